//! What `migrate-data` copies: every table of the schema with its stored columns, in an order
//! where each table comes after the tables it refers to.

/// How a column's values travel: SQLite keeps flags as 0/1 integers, PostgreSQL as BOOLEAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Bool,
}

impl Kind {
    /// The PostgreSQL array type one batch of this column is bound as.
    pub(crate) fn pg_array(self) -> &'static str {
        match self {
            Kind::Int => "int8[]",
            Kind::Text => "text[]",
            Kind::Bool => "bool[]",
        }
    }
}

/// One table to copy: its stored columns (never a generated one) and how to order its rows.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// Its primary key: rows go in this order, so a reply comes after the message it answers.
    pub key: &'static str,
    /// Whether it has an identity `id`, whose sequence must move past the copied ids.
    pub identity: bool,
}

impl Table {
    /// PostgreSQL keeps it in partitions by ranges of `id`, made ahead of the rows (migration
    /// 0005): rows copied with their own ids need their partitions made first.
    pub fn partitioned(&self) -> bool {
        self.name == "segments"
    }
}

use Kind::{Bool, Int, Text};

/// Every table of the schema (both backends' migrations), parents before the tables that refer
/// to them. A new table or column must be added here; the migration test compares the whole
/// schema against this list's result and fails on anything left behind.
pub static TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("created_at_ms", Int),
            ("role", Text),
            ("password_hash", Text),
            ("time_zone", Text),
            ("quiet_start_min", Int),
            ("quiet_end_min", Int),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "tokens",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("token_hash", Text),
            ("hint", Text),
            ("created_at_ms", Int),
            ("revoked_at_ms", Int),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "invites",
        columns: &[
            ("id", Int),
            ("code_hash", Text),
            ("created_by", Int),
            ("created_at_ms", Int),
            ("expires_at_ms", Int),
            ("used_at_ms", Int),
            ("used_by", Int),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "spaces",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("private", Bool),
            ("created_by", Int),
            ("created_at_ms", Int),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "space_members",
        columns: &[("space_id", Int), ("user_id", Int), ("added_at_ms", Int)],
        key: "space_id, user_id",
        identity: false,
    },
    Table {
        name: "invite_spaces",
        columns: &[("invite_id", Int), ("space_id", Int)],
        key: "invite_id, space_id",
        identity: false,
    },
    Table {
        name: "threads",
        columns: &[
            ("id", Int),
            ("title", Text),
            ("created_by", Int),
            ("created_at_ms", Int),
            ("updated_at_ms", Int),
            ("visibility", Text),
            ("space_id", Int),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "thread_members",
        columns: &[("thread_id", Int), ("user_id", Int), ("added_at_ms", Int)],
        key: "thread_id, user_id",
        identity: false,
    },
    Table {
        name: "thread_reads",
        columns: &[("thread_id", Int), ("user_id", Int), ("last_read_ms", Int)],
        key: "thread_id, user_id",
        identity: false,
    },
    Table {
        name: "thread_links",
        columns: &[
            ("thread_id", Int),
            ("link_key", Text),
            ("password_hash", Text),
            ("expires_at_ms", Int),
            ("created_by", Int),
            ("created_at_ms", Int),
        ],
        key: "thread_id",
        identity: false,
    },
    Table {
        name: "messages",
        columns: &[
            ("id", Int),
            ("thread_id", Int),
            ("author_id", Int),
            ("parent_id", Int),
            ("kind", Text),
            ("title", Text),
            ("body", Text),
            ("status", Text),
            ("status_reason", Text),
            ("progress_percent", Int),
            ("object_key", Text),
            ("upload_id", Text),
            ("content_type", Text),
            ("size_bytes", Int),
            ("duration_ms", Int),
            ("created_at_ms", Int),
            ("updated_at_ms", Int),
            ("urgent", Bool),
            ("poster_key", Text),
            ("suggested_title", Text),
            ("language", Text),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "chapters",
        columns: &[
            ("message_id", Int),
            ("idx", Int),
            ("start_ms", Int),
            ("title", Text),
        ],
        key: "message_id, idx",
        identity: false,
    },
    Table {
        name: "comments",
        columns: &[
            ("id", Int),
            ("message_id", Int),
            ("author_id", Int),
            ("at_ms", Int),
            ("body", Text),
            ("created_at_ms", Int),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "reactions",
        columns: &[
            ("id", Int),
            ("message_id", Int),
            ("author_id", Int),
            ("at_ms", Int),
            ("emoji", Text),
            ("created_at_ms", Int),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "views",
        columns: &[
            ("message_id", Int),
            ("user_id", Int),
            ("watched_ms", Int),
            ("updated_at_ms", Int),
        ],
        key: "message_id, user_id",
        identity: false,
    },
    Table {
        name: "notifications",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("message_id", Int),
            ("urgent", Bool),
            ("created_at_ms", Int),
            ("deliver_at_ms", Int),
            ("seen_at_ms", Int),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "jobs",
        columns: &[
            ("id", Int),
            ("message_id", Int),
            ("state", Text),
            ("attempts", Int),
            ("run_after_ms", Int),
            ("lease_until_ms", Int),
            ("worker", Text),
            ("last_error", Text),
            ("created_at_ms", Int),
            ("updated_at_ms", Int),
            ("lease_expiries", Int),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "segments",
        // Not `tsv`: PostgreSQL computes it from `text` and `language`.
        columns: &[
            ("id", Int),
            ("message_id", Int),
            ("idx", Int),
            ("start_ms", Int),
            ("end_ms", Int),
            ("text", Text),
            ("words", Text),
            ("language", Text),
        ],
        key: "id",
        identity: true,
    },
    Table {
        name: "transcript_edits",
        columns: &[
            ("message_id", Int),
            ("edited_by", Int),
            ("edited_at_ms", Int),
        ],
        key: "message_id",
        identity: false,
    },
    Table {
        name: "machine_segments",
        columns: &[
            ("id", Int),
            ("message_id", Int),
            ("idx", Int),
            ("start_ms", Int),
            ("end_ms", Int),
            ("text", Text),
            ("words", Text),
        ],
        key: "id",
        identity: true,
    },
];
