-- Passwords and invites (issue #11): a user may have an argon2id password (a PHC string; NULL:
-- the account signs in with tokens only). An invite is stored as the SHA-256 hash of its code
-- (like tokens), is used once and expires.
ALTER TABLE users ADD COLUMN password_hash TEXT;
CREATE TABLE invites (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash     TEXT    NOT NULL UNIQUE,
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    used_at_ms    INTEGER,
    used_by       INTEGER REFERENCES users(id) ON DELETE SET NULL
);
