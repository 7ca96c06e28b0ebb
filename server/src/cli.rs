//! Command line of `vidmsg-server`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "vidmsg-server",
    version,
    about = "vidmsg server: threads of video messages, uploads, transcripts, search"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// TOML file with defaults for any option, flags and VIDMSG_* variables winning (keys:
    /// data_dir, database_url, listen, public_url, presign_ttl_secs, media_url_ttl_secs,
    /// max_body_bytes, max_part_mib, max_message_mib, user_quota_mib, max_recording_secs,
    /// abandoned_upload_secs, auth_failures_per_minute, members_may_invite, invite_lifetime_hours,
    /// trusted_proxies;
    /// [s3] endpoint/bucket/region/access_key/
    /// secret_key; [worker] enabled/model/whisper_threads/job_lease_secs/job_max_attempts/
    /// decode_timeout_secs/decode_total_secs/decode_memory_mb/decoder_program).
    #[arg(long, global = true, env = "VIDMSG_CONFIG")]
    pub config: Option<PathBuf>,
    /// Folder for the database, the embedded object store and models
    /// [default: $XDG_DATA_HOME/vidmsg or ~/.local/share/vidmsg].
    #[arg(long, global = true, env = "VIDMSG_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL [default: sqlite://DATA_DIR/vidmsg.db], or
    /// postgres://USER:PASSWORD@HOST:PORT/DB for many servers and workers on one database.
    #[arg(long, global = true, env = "VIDMSG_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Log lines as readable text, or as one JSON object per line (for log collectors).
    #[arg(long, global = true, env = "VIDMSG_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Parsed once at startup: boxing the large `serve` variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API (and, without --s3-endpoint, the embedded S3 endpoint on the same port).
    Serve(ServeCmd),
    /// Run only the transcription worker (for more machines): same database, same S3 store.
    Worker(WorkerCmd),
    /// Install or list whisper models.
    #[command(subcommand)]
    Model(ModelCmd),
    /// Transcribe a local file or URL with the worker's pipeline and print the segments as JSON
    /// (one object per line), then a summary line with timing and peak memory.
    Transcribe(TranscribeCmd),
    /// Manage accounts (works while the server runs).
    #[command(subcommand)]
    User(UserCmd),
    /// Manage API tokens (works while the server runs).
    #[command(subcommand)]
    Token(TokenCmd),
    /// Create invite links (works while the server runs).
    #[command(subcommand)]
    Invite(InviteCmd),
    /// Copy every row of a SQLite database into an empty PostgreSQL one, ids included.
    ///
    /// Moves a team from one machine to many servers: tokens, links and stored objects stay
    /// valid. The copy reads one consistent snapshot of SQLite and writes PostgreSQL in one
    /// transaction (all or nothing); identity sequences are moved past the copied ids.
    ///
    /// Stop the servers, or keep them read-only, during the move for a consistent cut-over:
    /// anything written to SQLite after the snapshot is not copied. Then start them with
    /// --database-url set to the PostgreSQL URL.
    ///
    /// The target must be empty (its schema is created if missing): a target that holds any
    /// row is refused, and nothing is written to it.
    MigrateData(MigrateDataCmd),
    /// Write a consistent snapshot of the database and a manifest of its objects to a folder.
    ///
    /// Works while servers run: every table is read in one transaction (SQLite: one read
    /// transaction; PostgreSQL: REPEATABLE READ READ ONLY), one JSON Lines file per table, then
    /// manifest.json, written last: row counts, id high-water marks, and every object the rows
    /// name (videos, captions, posters) with its size and ETag from the store, and which are
    /// missing. Objects are not copied unless --with-objects: back the bucket up with the S3
    /// server's own replication or versioning. The store is reached like the worker's:
    /// --s3-endpoint, or the server's URL for its embedded store (keys from DATA_DIR).
    Backup(BackupCmd),
    /// Restore a backup into an empty database (SQLite or PostgreSQL).
    ///
    /// First checks that the store holds every object of the manifest with its size (putting
    /// the backup's copies back first with --with-objects); a missing one stops the restore
    /// before the database is written, unless --allow-missing-objects. Then fills every table in
    /// one transaction, sets the id counters past every id the backup had handed out, and the
    /// search index is rebuilt from the transcripts.
    Restore(RestoreCmd),
    /// Internal: the worker's decoder child. Reads a clip location from stdin and writes its
    /// audio as frames to stdout.
    #[command(hide = true)]
    DecodeAudio(DecodeAudioCmd),
    /// Internal: the worker's poster child. Reads a clip location from stdin and writes a JPEG
    /// of its first frame that is not black to stdout.
    #[command(hide = true)]
    MakePoster(MakePosterCmd),
}

/// The poster child's limits (the location comes on stdin, like the decoder child's).
#[derive(Debug, Args)]
pub struct MakePosterCmd {
    /// Address-space limit in MiB (0: none).
    #[arg(long, default_value_t = 2048)]
    pub memory_mb: u64,
    /// Process id of the worker that started this child.
    #[arg(long)]
    pub parent_pid: Option<u32>,
}

/// The decoder child's limits (the location comes on stdin, never here: it may be secret).
#[derive(Debug, Args)]
pub struct DecodeAudioCmd {
    /// Address-space limit in MiB (0: none).
    #[arg(long, default_value_t = 2048)]
    pub memory_mb: u64,
    /// Process id of the worker that started this child.
    #[arg(long)]
    pub parent_pid: Option<u32>,
    /// Accept WAV besides MP4 and WebM (`transcribe` of a local file; never for uploads).
    #[arg(long)]
    pub accept_wav: bool,
}

#[derive(Debug, Args)]
pub struct ServeCmd {
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub worker: WorkerArgs,
    /// Do not run the transcription worker in this process (run `vidmsg-server worker` elsewhere).
    #[arg(long, env = "VIDMSG_NO_WORKER")]
    pub no_worker: bool,
}

#[derive(Debug, Args)]
pub struct WorkerCmd {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub worker: WorkerArgs,
}

/// Transcription settings.
#[derive(Debug, Clone, Default, Args)]
pub struct WorkerArgs {
    /// Whisper model file [default: the installed model in DATA_DIR/models: tiny.en-q8_0-decoder, else tiny.en, else …].
    #[arg(long, env = "VIDMSG_MODEL")]
    pub model: Option<PathBuf>,
    /// Threads per whisper run [default: half the cores, 1 to 8, and each idle core while the
    /// rest of the machine leaves it idle; a number given here is used as it is].
    #[arg(long, env = "VIDMSG_WHISPER_THREADS")]
    pub whisper_threads: Option<usize>,
    /// Seconds a claimed job stays a worker's without a heartbeat [default: 60].
    #[arg(long, env = "VIDMSG_JOB_LEASE_SECS")]
    pub job_lease_secs: Option<u64>,
    /// Attempts before a job fails for good [default: 5].
    #[arg(long, env = "VIDMSG_JOB_MAX_ATTEMPTS")]
    pub job_max_attempts: Option<i64>,
    /// Seconds the decoder child may go without producing audio before it is killed (the
    /// attempt counts; the job is retried) [default: 60].
    #[arg(long, env = "VIDMSG_DECODE_TIMEOUT_SECS")]
    pub decode_timeout_secs: Option<u64>,
    /// Seconds of decoding one attempt may take in all [default: 1800].
    #[arg(long, env = "VIDMSG_DECODE_TOTAL_SECS")]
    pub decode_total_secs: Option<u64>,
    /// Address-space limit of the decoder child in MiB; 0 means none [default: 2048].
    #[arg(long, env = "VIDMSG_DECODE_MEMORY_MB")]
    pub decode_memory_mb: Option<u64>,
    /// The `vidmsg-server` binary that runs the decoder child [default: this one].
    #[arg(long, env = "VIDMSG_DECODER_PROGRAM")]
    pub decoder_program: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ModelCmd {
    /// Install a model: a name (tiny.en, base.en, base, …) or a path to a ggml file. A name
    /// ending `-q8_0` installs the f16 model and writes one with every weight matrix in Q8_0
    /// from it; `-q8_0-decoder`, only the decoder's (the default: transcribes faster than f16
    /// at nearly the same accuracy; vidmsg's whisper.cpp build reads it, an unchanged one does not).
    Install {
        #[arg(default_value = "tiny.en-q8_0-decoder")]
        model: String,
        /// Where a named model comes from.
        #[arg(long, value_enum, default_value = "auto")]
        source: vidmsg_transcribe::model::Source,
    },
    /// List installed models.
    List,
    /// Convert a CTranslate2 Whisper model folder (model.bin + vocabulary) to a ggml file.
    Convert {
        ct2_dir: PathBuf,
        out: PathBuf,
        /// Quantize weight matrices to ggml Q8_0 (about half the size of f16).
        #[arg(long, conflicts_with = "q8_0_decoder")]
        q8_0: bool,
        /// Quantize the decoder's weight matrices only (the encoder's stay f16): faster on
        /// long recordings; read by vidmsg's own whisper.cpp build only.
        #[arg(long)]
        q8_0_decoder: bool,
    },
}

#[derive(Debug, Args)]
pub struct TranscribeCmd {
    /// A media file or URL.
    pub input: String,
    #[command(flatten)]
    pub worker: WorkerArgs,
}

#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080; port 0 picks a free one].
    #[arg(long, env = "VIDMSG_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// URL clients reach this server at, used in presigned URLs of the embedded store
    /// [default: http://LISTEN-ADDRESS].
    #[arg(long, env = "VIDMSG_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Largest JSON request body in bytes [default: 1048576].
    #[arg(long, env = "VIDMSG_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Seconds presigned upload-part URLs stay valid [default: 21600].
    #[arg(long, env = "VIDMSG_PRESIGN_TTL_SECS")]
    pub presign_ttl_secs: Option<u64>,
    /// Seconds a playback URL (`video_url`) stays valid; clients fetch the message again for a
    /// new one [default: 600].
    #[arg(long, env = "VIDMSG_MEDIA_URL_TTL_SECS")]
    pub media_url_ttl_secs: Option<u64>,
    /// Largest upload part in MiB [default: 64].
    #[arg(long, env = "VIDMSG_MAX_PART_MIB")]
    pub max_part_mib: Option<u64>,
    /// Largest video in MiB [default: 4096].
    #[arg(long, env = "VIDMSG_MAX_MESSAGE_MIB")]
    pub max_message_mib: Option<u64>,
    /// Storage each user may fill with videos, in MiB; 0 means no quota [default: 20480].
    #[arg(long, env = "VIDMSG_USER_QUOTA_MIB")]
    pub user_quota_mib: Option<u64>,
    /// Longest recording in seconds, shown to the recorder before it records [default: 7200].
    #[arg(long, env = "VIDMSG_MAX_RECORDING_SECS")]
    pub max_recording_secs: Option<u64>,
    /// An upload that received no part for this long is discarded [default: 86400].
    #[arg(long, env = "VIDMSG_ABANDONED_UPLOAD_SECS")]
    pub abandoned_upload_secs: Option<u64>,
    /// Wrong bearer tokens one address may send per minute; after that its wrong tokens get 429
    /// until the minute is over (valid tokens still work); 0 turns the limit off. The same
    /// number of wrong passwords per address (and 5 times as many per name) [default: 10].
    #[arg(long, env = "VIDMSG_AUTH_FAILURES_PER_MINUTE")]
    pub auth_failures_per_minute: Option<u32>,
    /// Whether members (not only admins) may create invites (`true` or `false`) [default: true].
    #[arg(long, env = "VIDMSG_MEMBERS_MAY_INVITE", action = clap::ArgAction::Set)]
    pub members_may_invite: Option<bool>,
    /// Hours an invite stays usable [default: 168, a week].
    #[arg(long, env = "VIDMSG_INVITE_LIFETIME_HOURS")]
    pub invite_lifetime_hours: Option<u64>,
    /// A reverse proxy (IP address) whose X-Forwarded-For names the client, for the per-address
    /// limits; repeat it, or comma-separate in the variable [default: none, the peer's address].
    #[arg(
        long = "trusted-proxy",
        env = "VIDMSG_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// Object storage. Without --s3-endpoint the embedded store over DATA_DIR/objects is used.
#[derive(Debug, Clone, Default, Args)]
pub struct StorageArgs {
    /// URL of an external S3-compatible server (Garage, MinIO, AWS), as clients reach it.
    #[arg(long, env = "VIDMSG_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// Bucket for videos and captions [default: vidmsg]; created if missing.
    #[arg(long, env = "VIDMSG_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// Access key id for --s3-endpoint.
    #[arg(long, env = "VIDMSG_S3_ACCESS_KEY")]
    pub s3_access_key: Option<String>,
    /// Secret key for --s3-endpoint.
    #[arg(long, env = "VIDMSG_S3_SECRET_KEY", hide_env_values = true)]
    pub s3_secret_key: Option<String>,
    /// Region to sign for [default: us-east-1].
    #[arg(long, env = "VIDMSG_S3_REGION")]
    pub s3_region: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Create a user and print a new API token for it. The first user is an admin.
    Add {
        name: String,
        /// Make the user an admin: it may manage the members of every thread it belongs to and
        /// re-transcribe anyone's messages there.
        #[arg(long)]
        admin: bool,
        /// Also set a password (for signing in from the apps), read from the first line of
        /// stdin; never give a password as an argument, where `ps` and shell history show it.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users (id, name, role, created).
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Print a new API token for an existing user.
    Add { name: String },
    /// List tokens (hints only; tokens themselves are never stored).
    List,
    /// Revoke a token: by its id from `token list`, or the token itself read from stdin
    /// (`vidmsg-server token revoke < token.txt`); never give a token as an argument, where `ps`
    /// and shell history would show it.
    Revoke {
        /// `-` (or nothing): read the token from stdin. A token here is refused.
        #[arg(conflicts_with = "id", hide = true)]
        token: Option<String>,
        /// Id of the token (from `token list`).
        #[arg(long)]
        id: Option<i64>,
    },
}

/// Where `migrate-data` copies from and to (its help is on [`Command::MigrateData`]).
#[derive(Debug, Args)]
pub struct MigrateDataCmd {
    /// The SQLite database to copy: sqlite://PATH (e.g. sqlite://DATA_DIR/vidmsg.db).
    #[arg(long)]
    pub from: String,
    /// The empty PostgreSQL database to fill: postgres://USER:PASSWORD@HOST:PORT/DB.
    #[arg(long)]
    pub to: String,
}

/// Where `backup` writes (its help is on [`Command::Backup`]).
#[derive(Debug, Args)]
pub struct BackupCmd {
    /// A new or empty folder for the backup.
    #[arg(long)]
    pub to: PathBuf,
    /// Also copy every object into DIR/objects/ (all videos: as large as the bucket).
    #[arg(long)]
    pub with_objects: bool,
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// What `restore` reads (its help is on [`Command::Restore`]); the database is --database-url.
#[derive(Debug, Args)]
pub struct RestoreCmd {
    /// The backup folder (as `backup --to` wrote it).
    #[arg(long)]
    pub from: PathBuf,
    /// Put the backup's copies of the objects into the store (a backup made --with-objects).
    #[arg(long)]
    pub with_objects: bool,
    /// Restore even when the store lacks objects the backup names (their messages will not play).
    #[arg(long)]
    pub allow_missing_objects: bool,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Subcommand)]
pub enum InviteCmd {
    /// Create a single-use invite and print it; the link (ending `/join/CODE`) is the last line.
    Create {
        /// Hours the invite stays usable [default: invite_lifetime_hours of the config, 168].
        #[arg(long)]
        expires_hours: Option<u64>,
        /// URL the server is reached at, for the link [default: public_url of the config, else
        /// http://LISTEN-ADDRESS].
        #[arg(long, env = "VIDMSG_PUBLIC_URL")]
        public_url: Option<String>,
    },
}
