-- Search in languages other than English on SQLite (#14's multilingual note). FTS5's `porter`
-- stems English only, so a segment heard in another language with a snowball stemmer is indexed
-- as its words' stems in that language: `stems`, written by the server beside `text` (one
-- token per token of the text, so the index's positions are the text's and highlight() marks
-- the words said; see server/src/db/sqlite/stems.rs). NULL for English and unstemmed languages:
-- those rows index their text as before. The triggers index (and unindex)
-- `coalesce(stems, text)`. Search reads the languages present through `messages_language`.
ALTER TABLE segments ADD COLUMN stems TEXT;
CREATE INDEX messages_language ON messages (language);

DROP TRIGGER segments_ai;
DROP TRIGGER segments_ad;
DROP TRIGGER segments_au;
CREATE TRIGGER segments_ai AFTER INSERT ON segments BEGIN
    INSERT INTO segments_fts (rowid, text) VALUES (new.id, coalesce(new.stems, new.text));
END;
CREATE TRIGGER segments_ad AFTER DELETE ON segments BEGIN
    INSERT INTO segments_fts (segments_fts, rowid, text)
        VALUES ('delete', old.id, coalesce(old.stems, old.text));
END;
CREATE TRIGGER segments_au AFTER UPDATE OF text, stems ON segments BEGIN
    INSERT INTO segments_fts (segments_fts, rowid, text)
        VALUES ('delete', old.id, coalesce(old.stems, old.text));
    INSERT INTO segments_fts (rowid, text) VALUES (new.id, coalesce(new.stems, new.text));
END;
