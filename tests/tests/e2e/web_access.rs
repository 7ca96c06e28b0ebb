//! Who may open a message's web page, over plain HTTP (the browser tests drive the same pages in
//! Chromium): a private page tells a stranger nothing, a share link opens without an account
//! until it is revoked or expires, a link password is asked for and remembered, a browser
//! session needs its CSRF token to change anything, and every page carries a strict CSP.

use std::time::Duration;

use reqwest::header::{CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{StatusCode, redirect};
use vidmsg_api::{CreateMessage, SetThreadLink};
use vidmsg_tests::TestServer;

use crate::assert_api_err;

/// A browser without a cookie jar: cookies are carried by hand, redirects are not followed.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}

/// `name=value` of every cookie a response sets (to send back as one `Cookie` header).
fn cookies_of(resp: &reqwest::Response) -> Vec<String> {
    resp.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect()
}

/// The value of a hidden input in a page.
fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_string())
}

/// Signs a browser in through the form; returns its `Cookie` header.
async fn sign_in(base: &str, name: &str, password: &str) -> anyhow::Result<String> {
    let b = browser();
    let form = b.get(format!("{base}/signin")).send().await?;
    let mut jar = cookies_of(&form);
    let token = hidden(&form.text().await?, "_form").expect("the form carries its token");
    let resp = b
        .post(format!("{base}/signin"))
        .header(COOKIE, jar.join("; "))
        .form(&[
            ("_form", token.as_str()),
            ("next", "/"),
            ("name", name),
            ("password", password),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        resp.status() == StatusCode::SEE_OTHER,
        "signing in answered {}",
        resp.status()
    );
    let set = resp
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("vidmsg_session="))
        .expect("a session cookie")
        .to_string();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set.contains(flag), "{set} lacks {flag}");
    }
    jar.extend(cookies_of(&resp));
    Ok(jar.join("; "))
}

/// A user with a password, and an API client signed in as them.
async fn user_with_password(
    srv: &TestServer,
    name: &str,
    password: &str,
) -> anyhow::Result<vidmsg_api::Client> {
    let token =
        vidmsg_server::admin::add_user_with_password(srv.running.db(), name, false, password)
            .await?;
    Ok(vidmsg_api::Client::new(srv.base_url(), Some(token))?)
}

#[tokio::test]
async fn a_private_page_tells_strangers_nothing_and_a_viewer_gets_it_with_a_strict_csp()
-> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let base = srv.base_url().to_string();
    let alice = user_with_password(&srv, "alice", "correct horse battery").await?;
    user_with_password(&srv, "carol", "another long secret").await?;
    let t = TestServer::thread(&alice, "Quarterly numbers").await?;
    let m = alice
        .create_message(
            t.id,
            &CreateMessage::text("do not share").titled("Secret merger plans"),
        )
        .await?;
    let page = format!("{base}/v/{}", m.id);

    // Signed out: to the sign-in page, which names nothing.
    let r = browser().get(&page).send().await?;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()[LOCATION].to_str()?.to_string();
    assert!(to.starts_with("/signin"), "{to}");
    let signin = browser()
        .get(format!("{base}{to}"))
        .send()
        .await?
        .text()
        .await?;
    assert!(signin.contains("<title>Sign in · vidmsg</title>"));
    for secret in ["Secret merger", "Quarterly", "alice", "og:title"] {
        assert!(
            !signin.contains(secret),
            "the sign-in page leaks {secret:?}"
        );
    }

    // Signed in as someone who does not see the thread: the same as no such message.
    let carol = sign_in(&base, "carol", "another long secret").await?;
    for url in [page.clone(), format!("{base}/v/999999")] {
        let r = browser().get(&url).header(COOKIE, &carol).send().await?;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{url}");
        let html = r.text().await?;
        assert!(!html.contains("Secret merger") && !html.contains("Quarterly"));
    }
    // Nor its media or captions.
    for url in [format!("{page}/media"), format!("{page}/captions.vtt")] {
        let r = browser().get(&url).header(COOKIE, &carol).send().await?;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{url}");
    }

    // Alice sees it, with a CSP that allows no inline script and no framing.
    let alice_c = sign_in(&base, "alice", "correct horse battery").await?;
    let r = browser().get(&page).header(COOKIE, &alice_c).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()[CONTENT_SECURITY_POLICY].to_str()?.to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    let html = r.text().await?;
    assert!(html.contains("<title>Secret merger plans · vidmsg</title>"));
    assert!(!html.contains("<script>"), "no inline script");
    assert!(
        !html.contains("og:title"),
        "a private page carries no unfurl card"
    );
    let csrf = hidden_meta(&html).expect("the page carries its CSRF token");

    // The session cookie works for the API only with the page's CSRF token when it changes
    // something; reads need none.
    let api = |path: &str| format!("{base}/api/{path}");
    let r = browser()
        .get(api(&format!("messages/{}", m.id)))
        .header(COOKIE, &alice_c)
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    let comment = serde_json::json!({"at_ms": 0, "body": "from the page"});
    let r = browser()
        .post(api(&format!("messages/{}/comments", m.id)))
        .header(COOKIE, &alice_c)
        .json(&comment)
        .send()
        .await?;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "no CSRF token, no change"
    );
    assert!(r.text().await?.contains("CSRF"));
    let r = browser()
        .post(api(&format!("messages/{}/comments", m.id)))
        .header(COOKIE, &alice_c)
        .header("x-csrf-token", "0123456789abcdef0123456789abcdef")
        .json(&comment)
        .send()
        .await?;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a wrong token is no token"
    );
    // (Text messages take no comments: what matters is that the token got the request past
    // the check — the refusal is now about the message, not the request's origin.)
    let r = browser()
        .post(api(&format!("threads/{}/messages", t.id)))
        .header(COOKIE, &alice_c)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"kind": "text", "body": "posted from the page"}))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::CREATED);

    // Signing out (with the token) ends the session for good.
    let r = browser()
        .post(format!("{base}/signout"))
        .header(COOKIE, &alice_c)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = browser().get(&page).header(COOKIE, &alice_c).send().await?;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the old cookie signs nobody in"
    );
    Ok(())
}

fn hidden_meta(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf-token\" content=\"")?;
    let rest = &html[at + 27..];
    Some(rest[..rest.find('"')?].to_string())
}

#[tokio::test]
async fn a_share_link_opens_signed_out_until_revoked_or_expired_and_asks_its_password()
-> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let base = srv.base_url().to_string();
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let t = TestServer::thread(&alice, "Launch video").await?;
    alice.add_member(t.id, "bob").await?;
    let m = alice
        .create_message(
            t.id,
            &CreateMessage::text("watch this").titled("Launch walkthrough"),
        )
        .await?;
    // Only the creator (or an admin) shares.
    assert_api_err(
        bob.set_thread_link(
            t.id,
            &SetThreadLink {
                enabled: true,
                ..Default::default()
            },
        )
        .await,
        403,
        "forbidden",
    );
    let link = alice
        .set_thread_link(
            t.id,
            &SetThreadLink {
                enabled: true,
                ..Default::default()
            },
        )
        .await?;
    let url = link.url.clone().expect("a URL for the first message");
    assert!(url.contains(&format!("/v/{}?k=", m.id)), "{url}");
    assert_eq!(
        bob.thread_link(t.id).await?.url,
        link.url,
        "viewers may copy it"
    );

    // Signed out, the link opens, with an unfurl card; a wrong key does not.
    let r = browser().get(&url).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await?;
    assert!(html.contains("Launch walkthrough"));
    assert!(html.contains("property=\"og:title\" content=\"Launch walkthrough\""));
    assert!(html.contains("name=\"twitter:card\" content=\"player\""));
    assert!(
        !html.contains("id=\"comment-form\""),
        "no posting without signing in"
    );
    let wrong = format!("{base}/v/{}?k=00000000000000000000000000000000", m.id);
    let r = browser().get(&wrong).send().await?;
    assert_eq!(r.status(), StatusCode::GONE);
    assert!(!r.text().await?.contains("Launch"));
    // oEmbed for the link; nothing for a wrong key.
    let oe: serde_json::Value = reqwest::get(format!(
        "{base}/api/oembed?url={}",
        url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
    ))
    .await?
    .json()
    .await?;
    assert_eq!(oe["type"], "video");
    assert_eq!(oe["version"], "1.0");
    assert!(
        oe["html"]
            .as_str()
            .is_some_and(|h| h.contains(&format!("/embed/{}?k=", m.id)))
    );
    let r = reqwest::get(format!(
        "{base}/api/oembed?url={}",
        url::form_urlencoded::byte_serialize(wrong.as_bytes()).collect::<String>()
    ))
    .await?;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The embed may be framed; pages may not.
    let r = browser().get(url.replace("/v/", "/embed/")).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()[CONTENT_SECURITY_POLICY]
            .to_str()?
            .contains("frame-ancestors *")
    );

    // Revoked: dead at once.
    alice
        .set_thread_link(
            t.id,
            &SetThreadLink {
                enabled: false,
                ..Default::default()
            },
        )
        .await?;
    let r = browser().get(&url).send().await?;
    assert_eq!(r.status(), StatusCode::GONE);
    let html = r.text().await?;
    assert!(html.contains("This link no longer works") && !html.contains("Launch"));

    // Enabled again: a new key (the old URL stays dead), with a password.
    let locked = alice
        .set_thread_link(
            t.id,
            &SetThreadLink {
                enabled: true,
                password: Some("open sesame 42".into()),
                expires_at: None,
            },
        )
        .await?;
    assert!(locked.has_password);
    let url2 = locked.url.clone().expect("url");
    assert_ne!(url2, url);
    assert_eq!(browser().get(&url).send().await?.status(), StatusCode::GONE);
    let r = browser().get(&url2).send().await?;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let html = r.text().await?;
    assert!(html.contains("This video is protected") && !html.contains("Launch"));
    let key = locked.key.clone().expect("key");
    let unlock = format!("{base}/v/{}/unlock", m.id);
    let r = browser()
        .post(&unlock)
        .form(&[("k", key.as_str()), ("password", "wrong guess")])
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await?.contains("not right"));
    let r = browser()
        .post(&unlock)
        .form(&[("k", key.as_str()), ("password", "open sesame 42")])
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let jar = cookies_of(&r).join("; ");
    let r = browser().get(&url2).header(COOKIE, &jar).send().await?;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await?.contains("Launch walkthrough"));
    // A password-protected link has no oEmbed (a card would show what the password guards).
    let r = reqwest::get(format!(
        "{base}/api/oembed?url={}",
        url::form_urlencoded::byte_serialize(url2.as_bytes()).collect::<String>()
    ))
    .await?;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // An expiry in the past is refused; one that passes kills the link.
    let now = vidmsg_server::db::now_ms();
    assert_api_err(
        alice
            .set_thread_link(
                t.id,
                &SetThreadLink {
                    enabled: true,
                    password: None,
                    expires_at: Some(now - 1),
                },
            )
            .await,
        422,
        "unprocessable",
    );
    let soon = alice
        .set_thread_link(
            t.id,
            &SetThreadLink {
                enabled: true,
                password: None,
                expires_at: Some(now + 1_500),
            },
        )
        .await?;
    let url3 = soon.url.expect("url");
    assert_eq!(browser().get(&url3).send().await?.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    assert_eq!(
        browser().get(&url3).send().await?.status(),
        StatusCode::GONE
    );
    assert!(alice.thread_link(t.id).await?.expired);
    Ok(())
}

#[tokio::test]
async fn the_library_lists_the_users_spaces_and_filters_threads_by_space() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let base = srv.base_url().to_string();
    let alice = user_with_password(&srv, "alice", "correct horse battery").await?;
    user_with_password(&srv, "bob", "another long secret").await?;
    let eng = alice
        .create_space(&vidmsg_api::CreateSpace {
            name: "eng".into(),
            private: false,
        })
        .await?;
    let sync = alice
        .new_thread(&vidmsg_api::NewThread {
            title: "Eng sync".into(),
            space_id: Some(eng.id),
            people: vec![],
        })
        .await?;
    alice
        .create_message(sync.id, &CreateMessage::text("agenda"))
        .await?;
    alice
        .new_thread(&vidmsg_api::NewThread {
            title: "Lunch with bob".into(),
            space_id: None,
            people: vec!["bob".into()],
        })
        .await?;
    let jar = sign_in(&base, "alice", "correct horse battery").await?;
    let page = |q: String| {
        let (jar, base) = (jar.clone(), base.clone());
        async move {
            let r = browser()
                .get(format!("{base}/{q}"))
                .header(COOKIE, jar)
                .send()
                .await?;
            anyhow::ensure!(r.status() == StatusCode::OK, "{q}: {}", r.status());
            Ok::<_, anyhow::Error>(r.text().await?)
        }
    };
    let all = page(String::new()).await?;
    assert!(all.contains("#eng") && all.contains("Eng sync") && all.contains("Lunch with bob"));
    assert!(
        all.contains("#eng · 1 message"),
        "a thread names its space and count"
    );
    let only = page(format!("?space={}", eng.id)).await?;
    assert!(only.contains("Threads in #eng") && only.contains("Eng sync"));
    assert!(
        !only.contains("Lunch with bob"),
        "another space's threads are not listed"
    );
    let none = page("?q=quarterly".into()).await?;
    assert!(none.contains("Nothing said in your videos matches."));
    // Signed out, the library is the sign-in page.
    let r = browser().get(format!("{base}/")).send().await?;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    Ok(())
}
