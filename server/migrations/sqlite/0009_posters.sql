-- Poster images (issue #12, item 4): the worker makes a JPEG of each video's first frame that is
-- not black and stores it beside the video (`messages/{id}/{random}/poster.jpg`). NULL: none
-- (not made yet, or the clip had no picture to take).
ALTER TABLE messages ADD COLUMN poster_key TEXT;
