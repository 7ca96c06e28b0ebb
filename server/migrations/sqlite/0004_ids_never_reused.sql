-- no-transaction
-- Thread and message ids are never reused: a link, a saved URL or a cached id of a deleted
-- message must never lead to a later one. SQLite reuses the highest rowid after a delete unless
-- the key is AUTOINCREMENT, which needs a table rebuild (SQLite's documented procedure: foreign
-- keys off, new table, copy, drop, rename, all in one transaction).
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE threads_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    title         TEXT    NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
INSERT INTO threads_new (id, title, created_by, created_at_ms, updated_at_ms)
    SELECT id, title, created_by, created_at_ms, updated_at_ms FROM threads;
DROP TABLE threads;
ALTER TABLE threads_new RENAME TO threads;
CREATE INDEX threads_by_activity ON threads (updated_at_ms DESC, id DESC);

CREATE TABLE messages_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id        INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    author_id        INTEGER NOT NULL REFERENCES users(id),
    parent_id        INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL CHECK (kind IN ('video', 'text')),
    title            TEXT    NOT NULL,
    body             TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('uploading', 'processing', 'ready', 'failed')),
    status_reason    TEXT,
    progress_percent INTEGER,
    object_key       TEXT,
    upload_id        TEXT,
    content_type     TEXT,
    size_bytes       INTEGER,
    duration_ms      INTEGER,
    created_at_ms    INTEGER NOT NULL,
    updated_at_ms    INTEGER NOT NULL
);
INSERT INTO messages_new (id, thread_id, author_id, parent_id, kind, title, body, status,
        status_reason, progress_percent, object_key, upload_id, content_type, size_bytes,
        duration_ms, created_at_ms, updated_at_ms)
    SELECT id, thread_id, author_id, parent_id, kind, title, body, status, status_reason,
        progress_percent, object_key, upload_id, content_type, size_bytes, duration_ms,
        created_at_ms, updated_at_ms FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_by_thread ON messages (thread_id, id);
CREATE INDEX messages_by_parent ON messages (parent_id);
CREATE INDEX messages_open_uploads ON messages (status) WHERE upload_id IS NOT NULL;
CREATE INDEX messages_by_update ON messages (updated_at_ms);
CREATE INDEX messages_by_author ON messages (author_id) WHERE size_bytes IS NOT NULL;

COMMIT;
PRAGMA foreign_keys = ON;
