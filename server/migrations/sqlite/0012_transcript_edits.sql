-- Hand edits of transcripts (#14). The edited text replaces the rows of `segments` (so search
-- and captions follow at once); the machine transcript is copied to `machine_segments` on the
-- first edit, word times included, and copied back by a restore. `transcript_edits` marks an
-- edited transcript (who, when); deleting it drops the machine copy.
CREATE TABLE transcript_edits (
    message_id   INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    edited_by    INTEGER NOT NULL REFERENCES users(id),
    edited_at_ms INTEGER NOT NULL
);

CREATE TABLE machine_segments (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES transcript_edits(message_id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    start_ms   INTEGER NOT NULL,
    end_ms     INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    -- Word times as the worker stored them in `segments.words` (JSON; NULL: unknown).
    words      TEXT,
    UNIQUE (message_id, idx)
);

-- An edit changes a segment's text in place (its id, and so its place in the index's recency
-- order, stays): the full-text index drops the old words and takes the new ones.
CREATE TRIGGER segments_au AFTER UPDATE OF text ON segments BEGIN
    INSERT INTO segments_fts (segments_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO segments_fts (rowid, text) VALUES (new.id, new.text);
END;
