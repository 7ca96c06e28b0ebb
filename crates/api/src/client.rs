//! Typed async client: one method per route.

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::ClientError;
use crate::transcripts::*;
use crate::types::*;
use crate::{
    CreateMessage, MarkSeen, Me, Message, Notifications, Person, SetThreadLink, ThreadLink,
    UpdateMe, UpdateMessage,
};

type Result<T> = std::result::Result<T, ClientError>;

/// Client of one vidmsg server, signed in with one token (or none, for `health`).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Option<String>,
}

impl Client {
    /// `base` is the server's URL, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: &str, token: Option<String>) -> Result<Self> {
        let http = reqwest::Client::builder().build()?;
        Self::with_http(http, base, token)
    }

    /// Same as [`Client::new`] with a caller-configured `reqwest::Client` (timeouts, proxies).
    pub fn with_http(http: reqwest::Client, base: &str, token: Option<String>) -> Result<Self> {
        let mut base = Url::parse(base)?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self { http, base, token })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The underlying HTTP client (for presigned URLs, which need no token).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// A request to `path` (relative to the base, e.g. `api/threads`) with the bearer token set.
    pub fn request(&self, method: Method, path: &str) -> Result<RequestBuilder> {
        let url = self.base.join(path)?;
        let rb = self.http.request(method, url);
        Ok(match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        })
    }

    async fn send<T: DeserializeOwned>(&self, rb: RequestBuilder) -> Result<T> {
        let resp = rb.send().await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if !status.is_success() {
            return Err(error_from(status, &bytes));
        }
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Unexpected {
            status: status.as_u16(),
            detail: format!(
                "{e}: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            ),
        })
    }

    async fn send_empty(&self, rb: RequestBuilder) -> Result<()> {
        let resp = rb.send().await?;
        let status = resp.status();
        if !status.is_success() {
            let bytes = resp.bytes().await?;
            return Err(error_from(status, &bytes));
        }
        Ok(())
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.send(self.request(Method::GET, path)?).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        self.send(self.request(Method::POST, path)?.json(body))
            .await
    }

    async fn delete(&self, path: &str) -> Result<()> {
        self.send_empty(self.request(Method::DELETE, path)?).await
    }

    fn page_path(path: &str, q: &PageQuery) -> String {
        let mut parts = Vec::new();
        if let Some(l) = q.limit {
            parts.push(format!("limit={l}"));
        }
        if let Some(c) = &q.cursor {
            parts.push(format!(
                "cursor={}",
                url::form_urlencoded::byte_serialize(c.as_bytes()).collect::<String>()
            ));
        }
        if parts.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", parts.join("&"))
        }
    }

    // --- service ---

    pub async fn health(&self) -> Result<Health> {
        self.get("api/health").await
    }

    pub async fn openapi(&self) -> Result<serde_json::Value> {
        self.get("api/openapi.json").await
    }

    pub async fn me(&self) -> Result<User> {
        self.get("api/me").await
    }

    /// The signed-in user with what the server accepts from it (recording length, sizes, quota).
    pub async fn me_with_limits(&self) -> Result<Me> {
        self.get("api/me").await
    }

    /// Sets the caller's time zone and quiet hours (a field left as `None` stays as it is).
    pub async fn update_me(&self, body: &UpdateMe) -> Result<Me> {
        self.send(self.request(Method::PATCH, "api/me")?.json(body))
            .await
    }

    // --- notifications ---

    /// The caller's newest notifications (delivered or still held) and the unseen count.
    pub async fn notifications(&self) -> Result<Notifications> {
        self.get("api/notifications").await
    }

    /// Marks notifications seen (`ids` empty: every delivered one); returns what is left.
    pub async fn mark_notifications_seen(&self, body: &MarkSeen) -> Result<Notifications> {
        self.post("api/notifications/seen", body).await
    }

    // --- sessions and invites ---

    /// Signs in with a name and password: a new token (build a new [`Client`] with it).
    pub async fn sign_in(&self, body: &CreateSession) -> Result<SessionCreated> {
        self.post("api/sessions", body).await
    }

    /// Signs out: revokes the token this client sends.
    pub async fn sign_out(&self) -> Result<()> {
        self.delete("api/sessions/current").await
    }

    pub async fn create_invite(&self, body: &CreateInvite) -> Result<Invite> {
        self.post("api/invites", body).await
    }

    /// Creates an account with an invite code: a new token for it.
    pub async fn join(&self, body: &JoinRequest) -> Result<SessionCreated> {
        self.post("api/join", body).await
    }

    // --- threads ---

    pub async fn list_threads(&self, q: &PageQuery) -> Result<Page<Thread>> {
        self.get(&Self::page_path("api/threads", q)).await
    }

    /// Marks the thread read (up to now) for the caller.
    pub async fn mark_read(&self, thread: Id) -> Result<()> {
        self.send_empty(self.request(Method::POST, &format!("api/threads/{thread}/read"))?)
            .await
    }

    /// Opens the server's event feed (changes after `since_ms`, default now).
    pub async fn events(&self, since_ms: Option<i64>) -> Result<crate::EventStream> {
        let path = match since_ms {
            Some(t) => format!("api/events?since_ms={t}"),
            None => "api/events".to_string(),
        };
        let resp = self
            .request(Method::GET, &path)?
            .header("accept", "text/event-stream")
            .send()
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let bytes = resp.bytes().await?;
            return Err(error_from(status, &bytes));
        }
        Ok(crate::EventStream::new(resp))
    }

    pub async fn create_thread(&self, body: &CreateThread) -> Result<Thread> {
        self.post("api/threads", body).await
    }

    /// Posts a thread to a space or to people.
    pub async fn new_thread(&self, body: &NewThread) -> Result<Thread> {
        self.post("api/threads", body).await
    }

    // --- spaces and people ---

    /// Spaces the caller can see: every public one, and the private ones it belongs to.
    pub async fn list_spaces(&self) -> Result<Vec<Space>> {
        let page: Items<Space> = self.get("api/spaces").await?;
        Ok(page.items)
    }

    pub async fn create_space(&self, body: &CreateSpace) -> Result<Space> {
        self.post("api/spaces", body).await
    }

    /// A space the caller can see.
    pub async fn get_space(&self, id: Id) -> Result<Space> {
        self.get(&format!("api/spaces/{id}")).await
    }

    /// Joins a public space.
    pub async fn join_space(&self, space: Id) -> Result<Space> {
        self.post(
            &format!("api/spaces/{space}/members"),
            &AddSpaceMember::default(),
        )
        .await
    }

    /// Adds `name` to a space.
    pub async fn add_space_member(&self, space: Id, name: &str) -> Result<Space> {
        self.post(
            &format!("api/spaces/{space}/members"),
            &AddSpaceMember {
                name: Some(name.to_string()),
            },
        )
        .await
    }

    /// Removes `name` from a space (its creator or an admin may), or leaves it (`name` is the
    /// caller's own).
    pub async fn remove_space_member(&self, space: Id, name: &str) -> Result<()> {
        let name = url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>();
        self.delete(&format!("api/spaces/{space}/members/{name}"))
            .await
    }

    /// The workspace's people, for pickers.
    pub async fn list_users(&self) -> Result<Vec<Person>> {
        let page: Items<Person> = self.get("api/users").await?;
        Ok(page.items)
    }

    /// The thread's share link (any viewer of the thread may read it).
    pub async fn thread_link(&self, thread: Id) -> Result<ThreadLink> {
        self.get(&format!("api/threads/{thread}/link")).await
    }

    /// Turns the thread's share link on (with an optional password and expiry) or off; only the
    /// thread's creator or an admin may.
    pub async fn set_thread_link(&self, thread: Id, body: &SetThreadLink) -> Result<ThreadLink> {
        self.send(
            self.request(Method::PUT, &format!("api/threads/{thread}/link"))?
                .json(body),
        )
        .await
    }

    pub async fn get_thread(&self, id: Id) -> Result<Thread> {
        self.get(&format!("api/threads/{id}")).await
    }

    pub async fn delete_thread(&self, id: Id) -> Result<()> {
        self.delete(&format!("api/threads/{id}")).await
    }

    /// Removes `name` from a thread (the creator or an admin may), or leaves it (`name` is the
    /// caller's own).
    pub async fn remove_member(&self, thread: Id, name: &str) -> Result<()> {
        let name = url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>();
        self.delete(&format!("api/threads/{thread}/members/{name}"))
            .await
    }

    pub async fn add_member(&self, thread: Id, name: &str) -> Result<Thread> {
        self.post(
            &format!("api/threads/{thread}/members"),
            &AddMember {
                name: name.to_string(),
            },
        )
        .await
    }

    // --- messages ---

    pub async fn list_messages(&self, thread: Id, q: &PageQuery) -> Result<Page<Message>> {
        self.get(&Self::page_path(
            &format!("api/threads/{thread}/messages"),
            q,
        ))
        .await
    }

    pub async fn create_message(&self, thread: Id, body: &CreateMessage) -> Result<Message> {
        self.post(&format!("api/threads/{thread}/messages"), body)
            .await
    }

    pub async fn get_message(&self, id: Id) -> Result<Message> {
        self.get(&format!("api/messages/{id}")).await
    }

    /// Changes a message (its title); only its author or an admin may.
    pub async fn update_message(&self, id: Id, body: &UpdateMessage) -> Result<Message> {
        self.send(
            self.request(Method::PATCH, &format!("api/messages/{id}"))?
                .json(body),
        )
        .await
    }

    /// Downloads a presigned media URL (a message's poster, say): no token is sent, and a body
    /// over `max_bytes` is refused.
    pub async fn fetch_presigned(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>> {
        let mut resp = self.http.get(url).send().await?;
        let status = resp.status();
        if !status.is_success() {
            let bytes = resp.bytes().await?;
            return Err(error_from(status, &bytes));
        }
        let mut out = Vec::new();
        while let Some(chunk) = resp.chunk().await? {
            if out.len() + chunk.len() > max_bytes {
                return Err(ClientError::Unexpected {
                    status: status.as_u16(),
                    detail: format!("{url}: larger than {max_bytes} bytes"),
                });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    pub async fn delete_message(&self, id: Id) -> Result<()> {
        self.delete(&format!("api/messages/{id}")).await
    }

    // --- uploads ---

    pub async fn upload_state(&self, message: Id) -> Result<UploadState> {
        self.get(&format!("api/messages/{message}/upload")).await
    }

    pub async fn presign_parts(&self, message: Id, part_numbers: &[i32]) -> Result<PresignedParts> {
        let body = PresignParts {
            part_numbers: part_numbers.to_vec(),
        };
        self.post(&format!("api/messages/{message}/upload/parts"), &body)
            .await
    }

    pub async fn complete_upload(&self, message: Id, body: &CompleteUpload) -> Result<Message> {
        self.post(&format!("api/messages/{message}/upload/complete"), body)
            .await
    }

    pub async fn abort_upload(&self, message: Id) -> Result<()> {
        self.delete(&format!("api/messages/{message}/upload")).await
    }

    /// `PUT`s one part's bytes to a presigned URL (no token: the URL is the credential) and
    /// returns the part's ETag.
    pub async fn put_part(&self, url: &str, bytes: impl Into<reqwest::Body>) -> Result<String> {
        let resp = self.http.put(url).body(bytes).send().await?;
        let status = resp.status();
        if !status.is_success() {
            let text = resp.text().await.unwrap_or_default();
            return Err(ClientError::Unexpected {
                status: status.as_u16(),
                detail: text,
            });
        }
        resp.headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or_else(|| ClientError::Unexpected {
                status: status.as_u16(),
                detail: "PUT returned no ETag".into(),
            })
    }

    // --- transcripts and search ---

    pub async fn transcript(&self, message: Id) -> Result<Transcript> {
        self.get(&format!("api/messages/{message}/transcript"))
            .await
    }

    /// The WebVTT captions as text.
    pub async fn captions_vtt(&self, message: Id) -> Result<String> {
        let resp = self
            .request(Method::GET, &format!("api/messages/{message}/captions.vtt"))?
            .send()
            .await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if !status.is_success() {
            return Err(error_from(status, &bytes));
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Replaces the transcript's text with the author's corrections (`PUT …/transcript`); the
    /// author or an admin may. Answers the edited transcript.
    pub async fn edit_transcript(&self, message: Id, body: &EditTranscript) -> Result<Transcript> {
        self.send(
            self.request(Method::PUT, &format!("api/messages/{message}/transcript"))?
                .json(body),
        )
        .await
    }

    /// Brings the machine transcript back (`POST …/transcript/restore`), forgetting the edits.
    pub async fn restore_transcript(&self, message: Id) -> Result<Transcript> {
        self.send(self.request(
            Method::POST,
            &format!("api/messages/{message}/transcript/restore"),
        )?)
        .await
    }

    /// Queues the message's transcription again (after a failure, or with a new model).
    pub async fn retry_transcription(&self, message: Id) -> Result<Message> {
        self.send(self.request(Method::POST, &format!("api/messages/{message}/transcribe"))?)
            .await
    }

    pub async fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        let mut rb = self
            .request(Method::GET, "api/search")?
            .query(&[("q", q.q.as_str())]);
        if let Some(t) = q.thread {
            rb = rb.query(&[("thread", t)]);
        }
        if let Some(l) = q.limit {
            rb = rb.query(&[("limit", l)]);
        }
        if let Some(c) = &q.cursor {
            rb = rb.query(&[("cursor", c.as_str())]);
        }
        self.send(rb).await
    }

    // --- comments, reactions, views ---

    pub async fn list_comments(&self, message: Id) -> Result<Vec<Comment>> {
        self.get(&format!("api/messages/{message}/comments")).await
    }

    pub async fn create_comment(&self, message: Id, body: &CreateComment) -> Result<Comment> {
        self.post(&format!("api/messages/{message}/comments"), body)
            .await
    }

    pub async fn list_reactions(&self, message: Id) -> Result<Vec<Reaction>> {
        self.get(&format!("api/messages/{message}/reactions")).await
    }

    pub async fn create_reaction(&self, message: Id, body: &CreateReaction) -> Result<Reaction> {
        self.post(&format!("api/messages/{message}/reactions"), body)
            .await
    }

    pub async fn list_views(&self, message: Id) -> Result<Vec<View>> {
        self.get(&format!("api/messages/{message}/views")).await
    }

    pub async fn record_view(&self, message: Id, watched_ms: i64) -> Result<View> {
        self.post(
            &format!("api/messages/{message}/views"),
            &RecordView { watched_ms },
        )
        .await
    }
}

fn error_from(status: StatusCode, bytes: &[u8]) -> ClientError {
    match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(body) => ClientError::Api {
            status: status.as_u16(),
            body,
        },
        Err(_) => ClientError::Unexpected {
            status: status.as_u16(),
            detail: String::from_utf8_lossy(&bytes[..bytes.len().min(500)]).into_owned(),
        },
    }
}
