-- Roles: an admin manages the members of every thread it belongs to; the first account (lowest
-- id) of an existing server becomes its admin. Jobs count how often a worker died holding them.
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member'));
UPDATE users SET role = 'admin' WHERE id = (SELECT min(id) FROM users);
ALTER TABLE jobs ADD COLUMN lease_expiries INTEGER NOT NULL DEFAULT 0;
