-- When each word of a segment was said: JSON [[start_ms, end_ms, "word"], ...] in clip
-- milliseconds, NULL when unknown (transcripts from before, text edited by hand). Search hits
-- seek to their first matched word with it.
ALTER TABLE segments ADD COLUMN words TEXT;
