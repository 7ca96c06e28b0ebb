//! Logging of `vidmsg-server`: `RUST_LOG` (or a quiet default) to stderr, minus the noise a
//! hostile client can make. s3s logs every refused request to the embedded S3 endpoint (unsigned,
//! forged, expired) at error level; those are the endpoint doing its job, so they are dropped
//! there and logged at debug by the server (see `startup::s3_fallback`). Genuine S3 failures
//! (5xx, storage errors) still log at error.

use std::fmt::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::FilterExt as _;
use tracing_subscriber::layer::{Context, Filter, Layer as _, SubscriberExt as _};
use tracing_subscriber::util::SubscriberInitExt as _;

/// Log levels when `RUST_LOG` is not set.
pub const DEFAULT_DIRECTIVES: &str = "info,sqlx=warn,s3s=warn,aws=warn,whisper_rs=warn";

/// S3 error codes that mean "this request is not signed by someone who may do this".
const REFUSED_AUTH_CODES: &[&str] = &[
    "AccessDenied",
    "AuthorizationHeaderMalformed",
    "AuthorizationQueryParametersError",
    "ExpiredToken",
    "InvalidAccessKeyId",
    "InvalidSecurity",
    "InvalidToken",
    "MissingSecurityHeader",
    "NotSignedUp",
    "RequestTimeTooSkewed",
    "SignatureDoesNotMatch",
];

/// Installs the process's log subscriber (stderr): readable text, or one JSON object per line
/// (`timestamp`, `level`, `target`, `fields`, and the spans it happened in) for log collectors.
pub fn init(format: crate::cli::LogFormat) {
    let env =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_DIRECTIVES));
    let filter = env.and(WithoutRefusedS3Auth);
    let registry = tracing_subscriber::registry();
    let _ = match format {
        crate::cli::LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_filter(filter),
            )
            .try_init(),
        crate::cli::LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(true)
                    .with_writer(std::io::stderr)
                    .with_filter(filter),
            )
            .try_init(),
    };
}

/// Drops s3s's warn/error events about requests it refused for their signature or access.
#[derive(Debug, Clone, Copy, Default)]
pub struct WithoutRefusedS3Auth;

impl<S> Filter<S> for WithoutRefusedS3Auth {
    fn enabled(&self, _meta: &Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        true
    }

    fn event_enabled(&self, event: &Event<'_>, _cx: &Context<'_, S>) -> bool {
        !is_refused_s3_auth(event)
    }
}

/// True for an s3s event at warn or error level whose error is a refused signature or access.
pub fn is_refused_s3_auth(event: &Event<'_>) -> bool {
    let meta = event.metadata();
    if !is_s3s(meta) || *meta.level() > Level::WARN {
        return false;
    }
    let mut text = FieldText(String::new());
    event.record(&mut text);
    is_refused_auth_text(&text.0)
}

fn is_s3s(meta: &Metadata<'_>) -> bool {
    meta.target() == "s3s" || meta.target().starts_with("s3s::")
}

/// Codes s3s also uses for a malformed signature or presigned URL (told apart from other bad
/// requests by their message).
const MALFORMED_CODES: &[&str] = &["InvalidRequest", "InvalidArgument"];
const AUTH_WORDS: &[&str] = &["presign", "signature", "authoriz", "credential", "x-amz-"];

/// True if an s3s error's text (`S3Error { code: …, … }`) says the request was refused for its
/// signature or access: a refused-auth code, or a malformed signature or presigned URL.
pub fn is_refused_auth_text(text: &str) -> bool {
    if REFUSED_AUTH_CODES.iter().any(|code| has_code(text, code)) {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    MALFORMED_CODES.iter().any(|code| has_code(text, code))
        && AUTH_WORDS.iter().any(|w| lower.contains(w))
}

/// True if `text` has `code: CODE` with exactly this code.
fn has_code(text: &str, code: &str) -> bool {
    text.match_indices("code: ").any(|(i, _)| {
        let rest = &text[i + "code: ".len()..];
        rest.strip_prefix(code)
            .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_alphanumeric()))
    })
}

/// Every field of an event, as `name=debug` text.
struct FieldText(String);

impl Visit for FieldText {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    #[test]
    fn refused_signatures_are_recognised_and_other_errors_are_not() {
        let refused = s3s::S3Error::new(s3s::S3ErrorCode::SignatureDoesNotMatch);
        assert!(is_refused_auth_text(&format!("{refused:?}")));
        assert!(is_refused_auth_text(&format!("{refused}")));
        let denied = s3s::S3Error::new(s3s::S3ErrorCode::AccessDenied);
        assert!(is_refused_auth_text(&format!("{denied:?}")));
        let presign = s3s::S3Error::with_message(
            s3s::S3ErrorCode::InvalidRequest,
            "missing presigned url v4 fields",
        );
        assert!(is_refused_auth_text(&format!("{presign:?}")));
        let other_bad =
            s3s::S3Error::with_message(s3s::S3ErrorCode::InvalidRequest, "invalid header: Host");
        assert!(!is_refused_auth_text(&format!("{other_bad:?}")));
        let internal = s3s::S3Error::new(s3s::S3ErrorCode::InternalError);
        assert!(!is_refused_auth_text(&format!("{internal:?}")));
        // A code that merely starts like one of ours is not one of ours.
        assert!(!is_refused_auth_text(
            "S3Error { code: AccessDeniedByPolicyX }"
        ));
        assert!(!is_refused_auth_text("no code here"));
    }

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    #[test]
    fn the_default_filter_hides_refused_s3_requests_but_not_s3_failures() {
        let buf = Buffer::default();
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(buf.clone())
            .with_ansi(false)
            .with_filter(EnvFilter::new(DEFAULT_DIRECTIVES).and(WithoutRefusedS3Auth));
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            let forged = s3s::S3Error::new(s3s::S3ErrorCode::SignatureDoesNotMatch);
            tracing::error!(target: "s3s::ops", err = ?forged, "failed to prepare");
            tracing::error!(target: "s3s::ops", error = %forged);
            let broken = s3s::S3Error::new(s3s::S3ErrorCode::InternalError);
            tracing::error!(target: "s3s::ops", err = ?broken, "op returns error");
            tracing::error!(target: "vidmsg_server", "SignatureDoesNotMatch in our own code");
        });
        let out = String::from_utf8(buf.0.lock().map(|b| b.clone()).unwrap_or_default())
            .unwrap_or_default();
        assert!(!out.contains("failed to prepare"), "{out}");
        assert!(!out.contains("code: SignatureDoesNotMatch"), "{out}");
        assert!(out.contains("op returns error"), "{out}");
        assert!(out.contains("in our own code"), "{out}");
    }
}
