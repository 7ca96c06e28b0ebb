-- The language a video was spoken in (#14's multilingual note), and search stemmed by it.
--
-- `messages.language`: whisper's code (ISO 639-1, such as "fr"), stored by the worker with the
-- transcript; NULL: not transcribed, or no speech heard. Search reads which languages are present
-- through its index (one probe per language, `db/postgres/search.rs`).
ALTER TABLE messages ADD COLUMN language TEXT;
CREATE INDEX messages_language ON messages (language);

-- A configuration per language PostgreSQL has a snowball stemmer for, made as `vidmsg_english`
-- is (0001): the stemmer with no stop words for every kind of word, so any spoken word can be
-- found. (Armenian, Basque, Catalan, Hindi, Serbian and Yiddish came with PostgreSQL 14: on 13
-- they are skipped and read as 'simple'.) `vidmsg_ts_config(language)` names the configuration
-- of a language code: English for NULL (rows from before languages were known) and "en",
-- 'simple' (no stemming) for a language without a stemmer. Its names are qualified with this
-- schema, so it reads the same whatever the caller's search_path.
DO $$
DECLARE
    pair TEXT;
    code TEXT;
    lang TEXT;
    cases TEXT := format(' WHEN %L THEN %L::regconfig', 'en',
                         format('%I.%I', current_schema(), 'vidmsg_english'));
BEGIN
    FOREACH pair IN ARRAY ARRAY['ar:arabic', 'hy:armenian', 'eu:basque', 'ca:catalan',
        'da:danish', 'nl:dutch', 'fi:finnish', 'fr:french', 'de:german', 'el:greek', 'hi:hindi',
        'hu:hungarian', 'id:indonesian', 'ga:irish', 'it:italian', 'lt:lithuanian', 'ne:nepali',
        'no:norwegian', 'nn:norwegian', 'pt:portuguese', 'ro:romanian', 'ru:russian',
        'sr:serbian', 'es:spanish', 'sv:swedish', 'ta:tamil', 'tr:turkish', 'yi:yiddish'] LOOP
        code := split_part(pair, ':', 1);
        lang := split_part(pair, ':', 2);
        -- (Norwegian twice: Bokmål and Nynorsk share one stemmer.)
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'vidmsg_' || lang
                       AND cfgnamespace = current_schema()::regnamespace) THEN
            BEGIN
                EXECUTE format('CREATE TEXT SEARCH DICTIONARY %I (TEMPLATE = snowball, LANGUAGE = %s)',
                               'vidmsg_' || lang || '_stem', lang);
            EXCEPTION WHEN invalid_parameter_value OR undefined_file THEN
                CONTINUE; -- no stemmer for it in this PostgreSQL
            END;
            EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %I (COPY = vidmsg_english)',
                           'vidmsg_' || lang);
            EXECUTE format('ALTER TEXT SEARCH CONFIGURATION %I ALTER MAPPING FOR asciiword, '
                           'asciihword, hword_asciipart, word, hword, hword_part WITH %I',
                           'vidmsg_' || lang, 'vidmsg_' || lang || '_stem');
        END IF;
        cases := cases || format(' WHEN %L THEN %L::regconfig', code,
                                 format('%I.%I', current_schema(), 'vidmsg_' || lang));
    END LOOP;
    EXECUTE format('CREATE FUNCTION vidmsg_ts_config(lang TEXT) RETURNS regconfig '
                   'LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                   format('SELECT CASE coalesce(lang, %L)%s ELSE %L::regconfig END',
                          'en', cases, 'pg_catalog.simple'));
END $$;

-- Each segment carries its message's language (the writers copy it), and its search vector is
-- stemmed by it: a generated column reads only its own row. PostgreSQL 15 cannot change a
-- generated column's expression, so `tsv` is made again (on every partition, and on the ones
-- `vidmsg_segment_partitions` makes later, which take the parent's columns), with its index.
-- Rows from before keep NULL, which is English: their vectors are what they were.
ALTER TABLE segments ADD COLUMN language TEXT;
ALTER TABLE segments DROP COLUMN tsv;
ALTER TABLE segments ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector(
    vidmsg_ts_config(language), regexp_replace(text, '[!-/:-@[-`{-~]+', ' ', 'g')), 'A')) STORED;
CREATE INDEX segments_search ON segments USING GIN (tsv);
