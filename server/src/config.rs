//! Layered configuration: command-line flags over environment variables (`VIDMSG_*`) over an
//! optional TOML file (`--config`) over built-in defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use serde::Deserialize;

use crate::cli::{GlobalArgs, ServeArgs, StorageArgs, WorkerArgs};

/// Everything `serve` (and the admin commands, which use the database part) needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub listen: SocketAddr,
    /// URL clients reach this server at; presigned URLs of the embedded store carry it.
    pub public_url: Option<String>,
    /// `None`: the embedded S3 endpoint over `DATA/objects`.
    pub s3: Option<ExternalS3>,
    pub bucket: String,
    /// How long presigned upload-part URLs stay valid.
    pub presign_ttl: Duration,
    /// How long presigned playback URLs stay valid.
    pub media_url_ttl: Duration,
    /// Largest JSON request body.
    pub max_body_bytes: usize,
    /// Wrong bearer tokens one address may send per minute before it gets 429 (0: no limit).
    pub auth_failures_per_minute: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Who may invite, and for how long an invite is usable.
    pub accounts: AccountSettings,
    /// Sizes, quota and length the server accepts.
    pub limits: Limits,
    /// An upload with no new part for this long is discarded.
    pub abandoned_upload_after: Duration,
    /// Run the transcription worker inside `serve`.
    pub worker: bool,
    pub transcription: Transcription,
    /// The time notifications are scheduled by (the system clock; tests move a manual one).
    pub clock: crate::clock::Clock,
}

/// What one user and one upload may store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_part_bytes: i64,
    pub max_message_bytes: i64,
    /// `None`: no quota.
    pub user_quota_bytes: Option<i64>,
    pub max_recording_ms: i64,
}

const MIB: i64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_part_bytes: 64 * MIB,
            max_message_bytes: 4096 * MIB,
            user_quota_bytes: Some(20 * 1024 * MIB),
            max_recording_ms: 2 * 3600 * 1000,
        }
    }
}

fn mib(v: u64) -> i64 {
    i64::try_from(v)
        .unwrap_or(i64::MAX / MIB)
        .saturating_mul(MIB)
}

impl Limits {
    fn merge(serve: Option<&ServeArgs>, file: &FileConfig) -> Self {
        let d = Self::default();
        let pick = |flag: Option<u64>, file: Option<u64>| flag.or(file);
        let max_part = pick(serve.and_then(|s| s.max_part_mib), file.max_part_mib);
        let max_message = pick(serve.and_then(|s| s.max_message_mib), file.max_message_mib);
        let quota = pick(serve.and_then(|s| s.user_quota_mib), file.user_quota_mib);
        let secs = pick(
            serve.and_then(|s| s.max_recording_secs),
            file.max_recording_secs,
        );
        Self {
            // S3 needs 5 MiB parts; a smaller cap would refuse every upload.
            max_part_bytes: max_part.map_or(d.max_part_bytes, |m| mib(m.max(5))),
            max_message_bytes: max_message.map_or(d.max_message_bytes, |m| mib(m.max(1))),
            user_quota_bytes: match quota {
                None => d.user_quota_bytes,
                Some(0) => None,
                Some(m) => Some(mib(m)),
            },
            max_recording_ms: secs.map_or(d.max_recording_ms, |s| {
                i64::try_from(s.max(1))
                    .unwrap_or(i64::MAX / 1000)
                    .saturating_mul(1000)
            }),
        }
    }
}

/// Invites: whether members (not only admins) may create them, and how long they are usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountSettings {
    pub members_may_invite: bool,
    pub invite_lifetime: Duration,
}

pub const DEFAULT_INVITE_LIFETIME_HOURS: u64 = 7 * 24;

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            members_may_invite: true,
            invite_lifetime: Duration::from_secs(DEFAULT_INVITE_LIFETIME_HOURS * 3600),
        }
    }
}

impl AccountSettings {
    fn merge(serve: Option<&ServeArgs>, file: &FileConfig) -> Self {
        let d = Self::default();
        Self {
            members_may_invite: serve
                .and_then(|s| s.members_may_invite)
                .or(file.members_may_invite)
                .unwrap_or(d.members_may_invite),
            invite_lifetime: serve
                .and_then(|s| s.invite_lifetime_hours)
                .or(file.invite_lifetime_hours)
                .map_or(d.invite_lifetime, |h| {
                    Duration::from_secs(h.max(1).saturating_mul(3600))
                }),
        }
    }
}

/// Settings of the transcription worker.
#[derive(Debug, Clone)]
pub struct Transcription {
    pub model: Option<PathBuf>,
    pub threads: usize,
    /// Pieces also get the cores the rest of the machine leaves idle (`threads` not set by
    /// the operator; see `vidmsg_transcribe::spare_cores`).
    pub spare_cores: bool,
    pub lease: Duration,
    pub max_attempts: i64,
    /// The decoder child: program, time and memory limits.
    pub decoding: crate::transcribe::decoder_process::DecoderSettings,
}

impl Default for Transcription {
    fn default() -> Self {
        Self {
            model: None,
            threads: default_threads(),
            spare_cores: true,
            lease: Duration::from_secs(60),
            max_attempts: 5,
            decoding: crate::transcribe::decoder_process::DecoderSettings::default(),
        }
    }
}

/// Half the cores, at least 1 and at most 8: measured on 2 cores, 2 whisper threads beat 1 on
/// an idle machine (RTF 0.11 vs 0.19) but fall far behind when the other core is busy, and the
/// worker shares the machine with the API, decoding and recording. Idle cores join per piece
/// ([`Transcription::spare_cores`]).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).clamp(1, 8))
}

impl Transcription {
    /// Flags (and their `VIDMSG_*` variables) over the TOML file's `[worker]` table over
    /// defaults.
    fn merge(a: &crate::cli::WorkerArgs, f: &FileWorker) -> Self {
        let d = Self::default();
        Self {
            model: a.model.clone().or_else(|| f.model.clone()),
            threads: a
                .whisper_threads
                .or(f.whisper_threads)
                .unwrap_or(d.threads)
                .max(1),
            spare_cores: a.whisper_threads.or(f.whisper_threads).is_none(),
            lease: a
                .job_lease_secs
                .or(f.job_lease_secs)
                .map_or(d.lease, |s| Duration::from_secs(s.max(2))),
            max_attempts: a
                .job_max_attempts
                .or(f.job_max_attempts)
                .unwrap_or(d.max_attempts)
                .max(1),
            decoding: crate::transcribe::decoder_process::DecoderSettings {
                program: a
                    .decoder_program
                    .clone()
                    .or_else(|| f.decoder_program.clone())
                    .unwrap_or(d.decoding.program),
                idle_timeout: a
                    .decode_timeout_secs
                    .or(f.decode_timeout_secs)
                    .map_or(d.decoding.idle_timeout, |s| Duration::from_secs(s.max(1))),
                total_timeout: a
                    .decode_total_secs
                    .or(f.decode_total_secs)
                    .map_or(d.decoding.total_timeout, |s| Duration::from_secs(s.max(1))),
                memory_mb: a
                    .decode_memory_mb
                    .or(f.decode_memory_mb)
                    .unwrap_or(d.decoding.memory_mb),
                accept_wav: false,
            },
        }
    }

    pub fn worker_settings(&self, data_dir: &Path) -> crate::transcribe::worker::WorkerSettings {
        let mut w = crate::transcribe::worker::WorkerSettings::new(data_dir.to_path_buf());
        w.model = self.model.clone();
        w.threads = self.threads;
        w.spare_cores = self.spare_cores;
        w.lease = self.lease;
        w.max_attempts = self.max_attempts;
        w.decoding = self.decoding.clone();
        w
    }
}

/// An external S3-compatible server.
#[derive(Clone, Deserialize)]
pub struct ExternalS3 {
    pub endpoint: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
}

impl std::fmt::Debug for ExternalS3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalS3")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// The TOML file: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    listen: Option<SocketAddr>,
    public_url: Option<String>,
    presign_ttl_secs: Option<u64>,
    media_url_ttl_secs: Option<u64>,
    max_body_bytes: Option<usize>,
    auth_failures_per_minute: Option<u32>,
    trusted_proxies: Option<Vec<std::net::IpAddr>>,
    max_part_mib: Option<u64>,
    max_message_mib: Option<u64>,
    user_quota_mib: Option<u64>,
    max_recording_secs: Option<u64>,
    abandoned_upload_secs: Option<u64>,
    members_may_invite: Option<bool>,
    invite_lifetime_hours: Option<u64>,
    #[serde(default)]
    s3: FileS3,
    #[serde(default)]
    worker: FileWorker,
}

/// The TOML file's `[worker]` table: the transcription worker's settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileWorker {
    /// `false`: `serve` runs no worker (as `--no-worker`).
    enabled: Option<bool>,
    model: Option<PathBuf>,
    whisper_threads: Option<usize>,
    job_lease_secs: Option<u64>,
    job_max_attempts: Option<i64>,
    decode_timeout_secs: Option<u64>,
    decode_total_secs: Option<u64>,
    decode_memory_mb: Option<u64>,
    decoder_program: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileS3 {
    endpoint: Option<String>,
    bucket: Option<String>,
    region: Option<String>,
    access_key: Option<String>,
    secret_key: Option<String>,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_BUCKET: &str = "vidmsg";
pub const DEFAULT_REGION: &str = "us-east-1";
pub const DEFAULT_AUTH_FAILURES_PER_MINUTE: u32 = 10;
pub const DEFAULT_MEDIA_URL_TTL_SECS: u64 = 600;

/// `$XDG_DATA_HOME/vidmsg`, else `~/.local/share/vidmsg`, else `./vidmsg-data`.
pub fn default_data_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("vidmsg");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(h).join(".local/share/vidmsg");
    }
    PathBuf::from("vidmsg-data")
}

fn embedded_keys(data_dir: &Path) -> Option<crate::storage::embedded::EmbeddedCredentials> {
    let text = std::fs::read_to_string(data_dir.join("embedded-s3.json")).ok()?;
    serde_json::from_str(&text).ok()
}

fn read_file(path: Option<&Path>) -> anyhow::Result<FileConfig> {
    let Some(path) = path else {
        return Ok(FileConfig::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing config file {}", path.display()))
}

impl Config {
    /// Merges flags/env (already parsed by clap) over the TOML file over defaults.
    pub fn load(
        global: &GlobalArgs,
        serve: Option<&ServeArgs>,
        storage: Option<&StorageArgs>,
        worker: Option<&WorkerArgs>,
    ) -> anyhow::Result<Self> {
        let file = read_file(global.config.as_deref())?;
        let transcription =
            Transcription::merge(&worker.cloned().unwrap_or_default(), &file.worker);
        let run_worker = file.worker.enabled.unwrap_or(true);
        let limits = Limits::merge(serve, &file);
        let accounts = AccountSettings::merge(serve, &file);
        let data_dir = global
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(default_data_dir);
        let database_url = global
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("vidmsg.db").display()));
        let listen = match serve.and_then(|s| s.listen).or(file.listen) {
            Some(a) => a,
            None => DEFAULT_LISTEN.parse().context("default listen address")?,
        };
        let public_url = serve.and_then(|s| s.public_url.clone()).or(file.public_url);
        let presign_ttl = Duration::from_secs(
            serve
                .and_then(|s| s.presign_ttl_secs)
                .or(file.presign_ttl_secs)
                .unwrap_or(6 * 3600),
        );
        let media_url_ttl = Duration::from_secs(
            serve
                .and_then(|s| s.media_url_ttl_secs)
                .or(file.media_url_ttl_secs)
                .unwrap_or(DEFAULT_MEDIA_URL_TTL_SECS)
                .max(1),
        );
        let abandoned_upload_after = Duration::from_secs(
            serve
                .and_then(|s| s.abandoned_upload_secs)
                .or(file.abandoned_upload_secs)
                .unwrap_or(24 * 3600)
                .max(60),
        );
        let max_body_bytes = serve
            .and_then(|s| s.max_body_bytes)
            .or(file.max_body_bytes)
            .unwrap_or(1024 * 1024);
        let auth_failures_per_minute = serve
            .and_then(|s| s.auth_failures_per_minute)
            .or(file.auth_failures_per_minute)
            .unwrap_or(DEFAULT_AUTH_FAILURES_PER_MINUTE);

        let st = storage.cloned().unwrap_or_default();
        let bucket = st
            .s3_bucket
            .or(file.s3.bucket)
            .unwrap_or_else(|| DEFAULT_BUCKET.to_string());
        let s3 = match st.s3_endpoint.or(file.s3.endpoint) {
            None => None,
            Some(endpoint) => Some(ExternalS3 {
                endpoint,
                region: st
                    .s3_region
                    .or(file.s3.region)
                    .unwrap_or_else(|| DEFAULT_REGION.to_string()),
                // Keys: given, or (for a worker beside an embedded store) the data dir's own.
                access_key: st
                    .s3_access_key
                    .or(file.s3.access_key)
                    .or_else(|| embedded_keys(&data_dir).map(|k| k.access_key))
                    .context("--s3-endpoint needs --s3-access-key (or VIDMSG_S3_ACCESS_KEY)")?,
                secret_key: st
                    .s3_secret_key
                    .or(file.s3.secret_key)
                    .or_else(|| embedded_keys(&data_dir).map(|k| k.secret_key))
                    .context("--s3-endpoint needs --s3-secret-key (or VIDMSG_S3_SECRET_KEY)")?,
            }),
        };
        Ok(Self {
            data_dir,
            database_url,
            listen,
            public_url,
            s3,
            bucket,
            presign_ttl,
            media_url_ttl,
            max_body_bytes,
            auth_failures_per_minute,
            trusted_proxies: match serve.map(|s| s.trusted_proxies.clone()) {
                Some(given) if !given.is_empty() => given,
                _ => file.trusted_proxies.unwrap_or_default(),
            },
            accounts,
            limits,
            abandoned_upload_after,
            worker: run_worker,
            transcription,
            clock: crate::clock::Clock::system(),
        })
    }

    /// Defaults for a data dir (tests and embedding): embedded store, port chosen by the OS.
    pub fn for_data_dir(data_dir: &Path) -> Self {
        Self {
            data_dir: data_dir.to_path_buf(),
            database_url: format!("sqlite://{}", data_dir.join("vidmsg.db").display()),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: None,
            s3: None,
            bucket: DEFAULT_BUCKET.to_string(),
            presign_ttl: Duration::from_secs(3600),
            media_url_ttl: Duration::from_secs(DEFAULT_MEDIA_URL_TTL_SECS),
            max_body_bytes: 1024 * 1024,
            auth_failures_per_minute: DEFAULT_AUTH_FAILURES_PER_MINUTE,
            trusted_proxies: Vec::new(),
            accounts: AccountSettings::default(),
            limits: Limits::default(),
            abandoned_upload_after: Duration::from_secs(24 * 3600),
            worker: true,
            transcription: Transcription::default(),
            clock: crate::clock::Clock::system(),
        }
    }
}
