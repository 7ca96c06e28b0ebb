-- What each member has read in each thread (for unread counts), and an index for the change feed.
CREATE TABLE thread_reads (
    thread_id     INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_read_ms  INTEGER NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX messages_by_update ON messages (updated_at_ms);
CREATE INDEX comments_by_time ON comments (created_at_ms);
CREATE INDEX reactions_by_time ON reactions (created_at_ms);
