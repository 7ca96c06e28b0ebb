-- The language a video was spoken in (#14's multilingual note): whisper's code (ISO 639-1, such
-- as "fr"), stored by the worker with the transcript; NULL: not transcribed, or no speech heard.
-- Each segment carries its message's language too (the writers copy it), as in PostgreSQL,
-- where the search index stems each row by it.
ALTER TABLE messages ADD COLUMN language TEXT;
ALTER TABLE segments ADD COLUMN language TEXT;
