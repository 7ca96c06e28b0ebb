//! Health, tokens, and the signed-in user.

use vidmsg_api::Client;
use vidmsg_tests::TestServer;

use crate::assert_api_err;

#[tokio::test]
async fn health_needs_no_token_and_everything_else_does() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let anon = srv.anonymous();
    assert_eq!(anon.health().await?.status, "ok");
    assert_api_err(anon.me().await, 401, "unauthorized");
    assert_api_err(
        anon.list_threads(&Default::default()).await,
        401,
        "unauthorized",
    );
    assert_api_err(anon.get_message(1).await, 401, "unauthorized");

    let wrong = Client::new(srv.base_url(), Some("vm_not-a-real-token".into()))?;
    assert_api_err(wrong.me().await, 401, "unauthorized");

    // A malformed header is a 401 too.
    let resp = anon
        .http()
        .get(format!("{}/api/me", srv.base_url()))
        .header("Authorization", "Basic abc")
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 401);
    Ok(())
}

#[tokio::test]
async fn tokens_identify_users_and_revoked_tokens_stop_working() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    assert_eq!(alice.me().await?.name, "alice");
    assert_eq!(bob.me().await?.name, "bob");

    let token = vidmsg_server::admin::issue_token(srv.running.db(), alice.me().await?.id).await?;
    let second = Client::new(srv.base_url(), Some(token.clone()))?;
    assert_eq!(second.me().await?.name, "alice");
    let hash = vidmsg_server::accounts::hash_token(&token);
    assert_eq!(srv.running.db().revoke_token_hash(&hash, 0).await?, 1);
    assert_api_err(second.me().await, 401, "unauthorized");
    // The first token still works.
    assert_eq!(alice.me().await?.name, "alice");
    Ok(())
}

#[tokio::test]
async fn unknown_api_routes_get_a_json_404() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let resp = alice
        .request(reqwest::Method::GET, "api/no-such-thing")?
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 404);
    let body: serde_json::Value = resp.json().await?;
    assert_eq!(body["error"], "not_found");
    Ok(())
}
