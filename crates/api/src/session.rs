//! Getting a token: with a name and a password (`POST /api/sessions`), with an invite
//! (`POST /api/join`), or by checking a pasted token (`GET /api/me`). Both apps sign in through
//! this one function; secrets never show in `Debug` output.

use crate::client::Client;
use crate::error::ClientError;
use crate::types::{CreateSession, JoinRequest, SessionCreated};

/// The request a submitted draft makes, ready to send.
#[derive(Clone, PartialEq, Eq)]
pub enum SignIn {
    Password {
        server: String,
        name: String,
        password: String,
    },
    Join {
        server: String,
        code: String,
        name: String,
        password: String,
    },
    Token {
        server: String,
        token: String,
    },
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignIn::Password { server, name, .. } => f
                .debug_struct("Password")
                .field("server", server)
                .field("name", name)
                .finish_non_exhaustive(),
            SignIn::Join { server, name, .. } => f
                .debug_struct("Join")
                .field("server", server)
                .field("name", name)
                .finish_non_exhaustive(),
            SignIn::Token { server, .. } => f
                .debug_struct("Token")
                .field("server", server)
                .finish_non_exhaustive(),
        }
    }
}

impl SignIn {
    /// The server it goes to (no trailing slash).
    pub fn server(&self) -> &str {
        match self {
            SignIn::Password { server, .. }
            | SignIn::Join { server, .. }
            | SignIn::Token { server, .. } => server,
        }
    }
}

/// A token for `request`: the server's answer to a password or an invite; a pasted token is
/// checked with `GET /api/me`.
pub async fn sign_in(request: &SignIn) -> Result<SessionCreated, ClientError> {
    match request {
        SignIn::Password {
            server,
            name,
            password,
        } => {
            let body = CreateSession {
                name: name.clone(),
                password: password.clone(),
            };
            Client::new(server, None)?.sign_in(&body).await
        }
        SignIn::Join {
            server,
            code,
            name,
            password,
        } => {
            let body = JoinRequest {
                code: code.clone(),
                name: name.clone(),
                password: password.clone(),
            };
            Client::new(server, None)?.join(&body).await
        }
        SignIn::Token { server, token } => {
            let user = Client::new(server, Some(token.clone()))?.me().await?;
            Ok(SessionCreated {
                token: token.clone(),
                user,
            })
        }
    }
}
