//! The OpenAPI document is served and matches the routes.

use vidmsg_tests::TestServer;

#[tokio::test]
async fn the_spec_lists_every_route_and_every_listed_route_exists() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let spec = srv.anonymous().openapi().await?;
    assert!(
        spec["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );
    let paths = spec["paths"]
        .as_object()
        .ok_or_else(|| anyhow::anyhow!("no paths"))?;
    let expected = [
        ("/api/health", "get"),
        ("/api/openapi.json", "get"),
        ("/api/me", "get"),
        ("/api/me", "patch"),
        ("/api/notifications", "get"),
        ("/api/notifications/seen", "post"),
        ("/api/sessions", "post"),
        ("/api/sessions/current", "delete"),
        ("/api/invites", "post"),
        ("/api/join", "post"),
        ("/api/users", "get"),
        ("/api/spaces", "get"),
        ("/api/spaces", "post"),
        ("/api/spaces/{id}", "get"),
        ("/api/spaces/{id}/members", "post"),
        ("/api/spaces/{id}/members/{name}", "delete"),
        ("/api/threads", "get"),
        ("/api/threads", "post"),
        ("/api/threads/{id}", "get"),
        ("/api/threads/{id}", "delete"),
        ("/api/threads/{id}/members", "post"),
        ("/api/threads/{id}/members/{name}", "delete"),
        ("/api/threads/{id}/read", "post"),
        ("/api/threads/{id}/link", "get"),
        ("/api/threads/{id}/link", "put"),
        ("/api/oembed", "get"),
        ("/api/events", "get"),
        ("/api/threads/{id}/messages", "get"),
        ("/api/threads/{id}/messages", "post"),
        ("/api/messages/{id}", "get"),
        ("/api/messages/{id}", "patch"),
        ("/api/messages/{id}", "delete"),
        ("/api/messages/{id}/upload", "get"),
        ("/api/messages/{id}/upload", "delete"),
        ("/api/messages/{id}/upload/parts", "post"),
        ("/api/messages/{id}/upload/complete", "post"),
        ("/api/messages/{id}/comments", "get"),
        ("/api/messages/{id}/comments", "post"),
        ("/api/messages/{id}/reactions", "get"),
        ("/api/messages/{id}/reactions", "post"),
        ("/api/messages/{id}/views", "get"),
        ("/api/messages/{id}/views", "post"),
        ("/api/messages/{id}/transcript", "get"),
        ("/api/messages/{id}/transcript", "put"),
        ("/api/messages/{id}/transcript/restore", "post"),
        ("/api/messages/{id}/captions.vtt", "get"),
        ("/api/messages/{id}/transcribe", "post"),
        ("/api/search", "get"),
    ];
    for (path, method) in expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "spec lacks {method} {path}"
        );
    }
    assert!(spec["components"]["schemas"]["Message"]["properties"]["video_url"].is_object());
    assert!(spec["components"]["schemas"]["Message"]["properties"]["urgent"].is_object());
    assert!(spec["components"]["schemas"]["Message"]["properties"]["suggested_title"].is_object());
    assert!(spec["components"]["schemas"]["Chapter"]["properties"]["start_ms"].is_object());
    assert!(spec["components"]["schemas"]["Person"]["properties"]["local_time"].is_object());

    // Every operation in the spec is routed (an unknown route answers "route not found").
    let alice = srv.user("alice").await?;
    let mut n = 0;
    for (path, item) in paths {
        for method in item.as_object().into_iter().flat_map(|m| m.keys()) {
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes())?;
            let resp = alice
                .request(
                    m,
                    path.trim_start_matches('/')
                        .replace("{id}", "424242")
                        .as_str(),
                )?
                .send()
                .await?;
            n += 1;
            if resp
                .headers()
                .get("content-type")
                .is_some_and(|c| c.as_bytes().starts_with(b"text/event-stream"))
            {
                // The event feed never ends: its answering at all shows it is routed.
                assert!(
                    resp.status().is_success(),
                    "{method} {path}: {}",
                    resp.status()
                );
                continue;
            }
            let body = resp.text().await?;
            assert!(
                !body.contains("route not found"),
                "{method} {path} is in the spec but not routed"
            );
        }
    }
    assert_eq!(
        n,
        expected.len(),
        "the spec lists exactly the expected operations"
    );
    Ok(())
}
