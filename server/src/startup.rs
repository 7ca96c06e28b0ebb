//! Builds the application from a [`Config`]: database, storage (embedded or external), router,
//! listener. `Application::build` binds the port (0 picks a free one) so tests know it before the
//! server runs; `start` serves in the background and returns a handle that stops it.

use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use s3s::service::S3Service;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::db::{self, Db};
use crate::error::AppError;
use crate::routes;
use crate::state::AppState;
use crate::storage::embedded::{EmbeddedCredentials, EmbeddedStore};
use crate::storage::{S3Settings, Store};
use crate::transcribe::worker::{self, WorkerHandle};

pub struct Application {
    config: Config,
    listener: TcpListener,
    router: Router,
    store: Store,
    db: Db,
    /// What the routes share; the janitor uses it to notify of uploads it finishes.
    state: AppState,
    base_url: String,
    embedded_store: bool,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        crate::data_dir::prepare(&config.data_dir)?;
        let db = db::connect(&config.database_url)
            .await
            .with_context(|| format!("opening database {}", db::redacted(&config.database_url)))?;
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let addr = listener.local_addr()?;
        let base_url = match &config.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None if addr.ip().is_unspecified() => {
                tracing::warn!(
                    "listening on {addr}; presigned URLs will name 127.0.0.1 — set --public-url for other hosts"
                );
                format!("http://127.0.0.1:{}", addr.port())
            }
            None => format!("http://{addr}"),
        };

        let (settings, s3_service) = match &config.s3 {
            Some(ext) => (external_settings(&config, ext), None),
            None => {
                let creds =
                    EmbeddedCredentials::load_or_create(&config.data_dir.join("embedded-s3.json"))?;
                let store = EmbeddedStore::open(&config.data_dir, config.limits.max_part_bytes)?;
                let settings = S3Settings {
                    endpoint: base_url.clone(),
                    bucket: config.bucket.clone(),
                    region: crate::config::DEFAULT_REGION.to_string(),
                    access_key: creds.access_key.clone(),
                    secret_key: creds.secret_key.clone(),
                    presign_ttl: config.presign_ttl,
                    media_url_ttl: config.media_url_ttl,
                };
                (settings, Some(store.into_service(&creds)))
            }
        };
        let store = Store::new(&settings);
        let state = AppState {
            db: db.clone(),
            store: store.clone(),
            public_url: base_url.clone(),
            limits: config.limits,
            accounts: config.accounts,
            throttle: crate::throttle::Throttle::new(config.auth_failures_per_minute),
            clock: config.clock.clone(),
        };
        let embedded_store = s3_service.is_some();
        let fallback = match s3_service {
            Some(svc) => Router::new().fallback(s3_fallback).with_state(svc),
            None => Router::new().fallback(|| async { AppError::NotFound("route") }),
        };
        let router = routes::api_router(state.clone(), config.max_body_bytes)
            .merge(crate::web::router(state.clone()))
            .fallback_service(fallback)
            // No response (media from the embedded store included) is ever sniffed into
            // another type by a browser.
            .layer(SetResponseHeaderLayer::overriding(
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                axum::http::HeaderValue::from_static("nosniff"),
            ))
            .layer(axum::middleware::from_fn_with_state(
                std::sync::Arc::new(config.trusted_proxies.clone()),
                crate::client_addr::layer,
            ))
            .layer(TraceLayer::new_for_http());
        Ok(Self {
            config,
            listener,
            router,
            store,
            db,
            state,
            base_url,
            embedded_store,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// The URL clients reach this server (and the embedded store) at.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves in the background; returns once the bucket exists (or, for an external store that
    /// is down, after warning that it will keep trying).
    pub async fn start(self) -> anyhow::Result<RunningServer> {
        let (tx, rx) = oneshot::channel::<()>();
        let app = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let serve = axum::serve(self.listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        let task = tokio::spawn(async move { serve.await });
        let store = self.store.clone();
        let mut last_err = None;
        for _ in 0..30 {
            match store.ensure_bucket().await {
                Ok(()) => {
                    last_err = None;
                    break;
                }
                Err(e) => last_err = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        if let Some(e) = last_err {
            if self.embedded_store {
                return Err(e).context("the embedded object store did not come up");
            }
            tracing::warn!(error = %e, "object storage is not reachable yet; uploads answer 503 until it is");
            tokio::spawn(async move {
                while store.ensure_bucket().await.is_err() {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
                tracing::info!("object storage is reachable");
            });
        }
        // Uploads a crash interrupted are put right, then the janitor keeps the store tidy.
        let janitor = crate::videos::janitor::spawn(
            self.state.clone(),
            self.config.abandoned_upload_after,
            JANITOR_EVERY,
        );
        let worker = self.config.worker.then(|| {
            let settings = self
                .config
                .transcription
                .worker_settings(&self.config.data_dir);
            worker::spawn(self.db.clone(), self.store.clone(), settings)
        });
        Ok(RunningServer {
            base_url: self.base_url,
            db: self.db,
            store: self.store,
            shutdown: Some(tx),
            task,
            worker,
            janitor,
        })
    }
}

fn external_settings(config: &Config, ext: &crate::config::ExternalS3) -> S3Settings {
    S3Settings {
        endpoint: ext.endpoint.clone(),
        bucket: config.bucket.clone(),
        region: ext.region.clone(),
        access_key: ext.access_key.clone(),
        secret_key: ext.secret_key.clone(),
        presign_ttl: config.presign_ttl,
        media_url_ttl: config.media_url_ttl,
    }
}

/// The store a command outside the server (`backup`, `restore`) reaches, as the worker does:
/// --s3-endpoint, with the data dir's keys when that is a server's embedded store.
pub fn command_store(config: &Config) -> anyhow::Result<Store> {
    let ext = config.s3.as_ref().context(
        "this command needs --s3-endpoint: your S3 server, or the vidmsg server's URL when it runs the embedded store",
    )?;
    Ok(Store::new(&external_settings(config, ext)))
}

/// Runs only the transcription worker, against an S3 store given by `--s3-endpoint` (a
/// vidmsg server's own URL for its embedded store), until SIGINT/SIGTERM.
pub async fn run_worker(config: Config) -> anyhow::Result<()> {
    let ext = config.s3.as_ref().context(
        "the worker needs --s3-endpoint: your S3 server, or the vidmsg server's URL when it runs the embedded store",
    )?;
    crate::data_dir::prepare(&config.data_dir)?;
    let store = Store::new(&external_settings(&config, ext));
    let db = db::connect(&config.database_url)
        .await
        .with_context(|| format!("opening database {}", db::redacted(&config.database_url)))?;
    let handle = worker::spawn(
        db,
        store,
        config.transcription.worker_settings(&config.data_dir),
    );
    shutdown_signal().await;
    tracing::info!("stopping the worker");
    handle.stop().await;
    Ok(())
}

/// A server serving in the background; dropping it stops it too.
pub struct RunningServer {
    base_url: String,
    db: Db,
    store: Store,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    worker: Option<WorkerHandle>,
    janitor: JoinHandle<()>,
}

/// How often the janitor sweeps abandoned uploads and orphaned objects.
const JANITOR_EVERY: Duration = Duration::from_secs(3600);

impl RunningServer {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The object store this server speaks to (for operators' tools and tests).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(w) = self.worker.take() {
            w.stop().await;
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task)
            .await
            .context("server task")?
            .context("server")?;
        Ok(())
    }

    /// Serves until SIGINT or SIGTERM, then stops gracefully.
    pub async fn run_until_signal(self) -> anyhow::Result<()> {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.stop().await
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.janitor.abort();
        if let Some(w) = &self.worker {
            w.signal_stop();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// Every non-`/api` request goes to the embedded S3 endpoint.
async fn s3_fallback(State(svc): State<S3Service>, req: Request) -> Response {
    let req = req.map(s3s::Body::http_body_unsync);
    match svc.call(req).await {
        Ok(resp) => {
            if resp.status() == axum::http::StatusCode::FORBIDDEN {
                // Unsigned, forged or expired: the endpoint doing its job, not a server fault.
                tracing::debug!("embedded S3 endpoint refused a request (403)");
            }
            resp.map(axum::body::Body::new).into_response()
        }
        Err(e) => {
            tracing::error!(error = ?e, "embedded S3 endpoint failed");
            AppError::Internal(anyhow::anyhow!("embedded S3 endpoint failed")).into_response()
        }
    }
}
