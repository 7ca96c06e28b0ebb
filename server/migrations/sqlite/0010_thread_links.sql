-- Sharing a thread by link (issue #12): "anyone with the link" may watch and read. No row: not
-- shared. `link_key` is the secret every shared URL carries (`?k=…`); it is new each time the
-- link is enabled or its password changes, so revoking (deleting the row) kills every old copy,
-- and so do a new password's unlock cookies, which are derived from it.
CREATE TABLE thread_links (
    thread_id     INTEGER PRIMARY KEY REFERENCES threads(id) ON DELETE CASCADE,
    link_key      TEXT    NOT NULL UNIQUE,
    password_hash TEXT,
    expires_at_ms INTEGER,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at_ms INTEGER NOT NULL
);
