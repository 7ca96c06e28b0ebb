-- Time zones, quiet hours, urgent messages and notifications (issue #11, item 5).
-- A person's quiet hours are local minutes after midnight in their time zone; quiet hours are
-- only kept with a time zone (the server refuses one without the other).
ALTER TABLE users ADD COLUMN time_zone TEXT;
ALTER TABLE users ADD COLUMN quiet_start_min INTEGER;
ALTER TABLE users ADD COLUMN quiet_end_min INTEGER;

-- Only the author sets it, when posting: its notifications go out at once, quiet hours or not.
ALTER TABLE messages ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;

-- One per recipient and message. "Delivered" is `deliver_at_ms <= now`: nothing has to run at
-- the end of someone's quiet hours; every reader (the list, the event feed) compares times.
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_id    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    urgent        INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    deliver_at_ms INTEGER NOT NULL,
    seen_at_ms    INTEGER,
    UNIQUE (user_id, message_id)
);
CREATE INDEX notifications_by_delivery ON notifications (user_id, deliver_at_ms);
CREATE INDEX notifications_by_message ON notifications (message_id);
