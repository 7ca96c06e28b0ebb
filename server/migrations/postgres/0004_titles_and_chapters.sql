-- Titles and chapters made from the transcript (#14), by the worker after it stores a
-- transcript and again after a transcript edit. `suggested_title` is shown while the message
-- keeps a placeholder title ("Untitled video"); NULL: nothing to suggest (yet).
-- Chapters are rows rather than a JSON column: migrate-data and backups copy them like every
-- other table, and both backends store and order them the same way.
ALTER TABLE messages ADD COLUMN suggested_title TEXT;

CREATE TABLE chapters (
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    idx        BIGINT NOT NULL,
    start_ms   BIGINT NOT NULL,
    title      TEXT   NOT NULL,
    PRIMARY KEY (message_id, idx)
);
