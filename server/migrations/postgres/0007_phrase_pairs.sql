-- Phrase search through an index of adjacent word pairs (#13: search at 1 M segments).
--
-- A phrase is checked against each row's word positions, which the GIN index on `tsv` does not
-- hold: for `"the same"` it hands back every segment holding both words (~5,300 of 1 M, since
-- "the" is in half of them) and each is read and checked, ~34 ms for 493 matches. Indexing each
-- pair of adjacent words as one lexeme (`'the same'`) finds the segments where the two words
-- follow each other in one posting list; search (`db/postgres/phrase_pairs.rs`) asks this
-- index for every pair of the query's phrases and checks only those rows against `tsv` (~6 ms).
--
-- The pairs are read from `tsv` itself, the vector a phrase is checked against, so a row that
-- matches a phrase always holds its pairs: `vidmsg_word_pairs` orders the vector's lexemes by
-- position and pairs those at p and p + 1, exactly what `<->` asks. The index is on an
-- expression (no column is stored; only inserts and updates compute it) and is made on every
-- partition, now and later. Measured at 1 M segments of the benchmark's text: ~450 MB of
-- index, built in ~3 min; inserting a segment costs ~0.1 ms more.

CREATE FUNCTION vidmsg_word_pairs(v tsvector) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    lexemes TEXT[];
    positions INT[];
    n INT;
    j INT;
    pairs TEXT[] := '{}';
BEGIN
    SELECT array_agg(u.lexeme ORDER BY p), array_agg(p ORDER BY p) INTO lexemes, positions
    FROM pg_catalog.unnest(v) u, pg_catalog.unnest(u.positions) p;
    n := coalesce(array_length(lexemes, 1), 0);
    FOR i IN 1 .. n - 1 LOOP
        -- Every lexeme at the next position (the configurations here give one per word).
        j := i + 1;
        WHILE j <= n AND positions[j] = positions[i] LOOP
            j := j + 1;
        END LOOP;
        WHILE j <= n AND positions[j] = positions[i] + 1 LOOP
            pairs := pairs || (lexemes[i] || ' ' || lexemes[j]);
            j := j + 1;
        END LOOP;
    END LOOP;
    RETURN pg_catalog.array_to_tsvector(pairs);
END $$;

CREATE INDEX segments_pairs ON segments USING GIN (vidmsg_word_pairs(tsv));
