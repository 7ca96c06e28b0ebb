-- Spaces (issue #11): named groups of the workspace, public (any member may join) or private (by
-- invitation). A thread is posted either to a space (every member of the space sees it, members
-- who join later included: visibility is computed, never copied) or to people (`thread_members`,
-- as before; existing threads become such direct threads). `visibility` names the case; the
-- share-page issue adds 'link', so it has no CHECK here: the server validates it.
CREATE TABLE spaces (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    private       INTEGER NOT NULL DEFAULT 0,
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at_ms INTEGER NOT NULL
);

CREATE TABLE space_members (
    space_id    INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at_ms INTEGER NOT NULL,
    PRIMARY KEY (space_id, user_id)
);
CREATE INDEX space_members_by_user ON space_members (user_id, space_id);

ALTER TABLE threads ADD COLUMN visibility TEXT NOT NULL DEFAULT 'people';
ALTER TABLE threads ADD COLUMN space_id INTEGER REFERENCES spaces(id) ON DELETE CASCADE;
CREATE INDEX threads_by_space ON threads (space_id) WHERE space_id IS NOT NULL;

-- THE visibility rule, in one place: who sees which thread. Every query that limits what a user
-- sees (thread list, membership checks, search, the event feed, unread counts) joins this view.
CREATE VIEW thread_viewers AS
    SELECT m.thread_id AS thread_id, m.user_id AS user_id, m.added_at_ms AS added_at_ms
        FROM thread_members m JOIN threads t ON t.id = m.thread_id
        WHERE t.visibility = 'people'
    UNION ALL
    SELECT t.id AS thread_id, sm.user_id AS user_id, sm.added_at_ms AS added_at_ms
        FROM threads t JOIN space_members sm ON sm.space_id = t.space_id
        WHERE t.visibility = 'space';

-- Which spaces an invite puts its joiner in.
CREATE TABLE invite_spaces (
    invite_id INTEGER NOT NULL REFERENCES invites(id) ON DELETE CASCADE,
    space_id  INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    PRIMARY KEY (invite_id, space_id)
);
