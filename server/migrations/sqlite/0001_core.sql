-- Accounts, threads, messages, comments, reactions and views.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT    NOT NULL UNIQUE,
    hint          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER
);

CREATE TABLE threads (
    id            INTEGER PRIMARY KEY,
    title         TEXT    NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
CREATE INDEX threads_by_activity ON threads (updated_at_ms DESC, id DESC);

CREATE TABLE thread_members (
    thread_id     INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX thread_members_by_user ON thread_members (user_id, thread_id);

CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
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
CREATE INDEX messages_by_thread ON messages (thread_id, id);
CREATE INDEX messages_by_parent ON messages (parent_id);
CREATE INDEX messages_open_uploads ON messages (status) WHERE upload_id IS NOT NULL;

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY,
    message_id    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    author_id     INTEGER NOT NULL REFERENCES users(id),
    at_ms         INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX comments_by_message ON comments (message_id, at_ms);

CREATE TABLE reactions (
    id            INTEGER PRIMARY KEY,
    message_id    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    author_id     INTEGER NOT NULL REFERENCES users(id),
    at_ms         INTEGER NOT NULL,
    emoji         TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX reactions_by_message ON reactions (message_id, at_ms);

CREATE TABLE views (
    message_id    INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    watched_ms    INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
