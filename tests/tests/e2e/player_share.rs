//! The player shares a thread by link (issue #12, "the apps offer it too"): its creator turns
//! the link on from the thread header, with a password, and off again; the URL it copies opens
//! the message's web page signed out (after the password) and is dead once turned off. A member
//! who did not create the thread may copy the link but not change it.

use std::time::Duration;

use egui_kittest::kittest::Queryable as _;
use vidmsg_api::CreateMessage;
use vidmsg_player::app::Action;
use vidmsg_tests::TestServer;

use crate::kit::{signed_in_player, step_until, type_into};

#[tokio::test(flavor = "multi_thread")]
async fn the_creator_shares_a_thread_by_link_from_the_player_and_turns_it_off() -> anyhow::Result<()>
{
    let srv = TestServer::spawn().await?;
    let (alice_token, alice) = srv.account("alice").await?;
    let (bob_token, _bob) = srv.account("bob").await?;
    let t = TestServer::thread(&alice, "Demo day").await?;
    alice.add_member(t.id, "bob").await?;
    let m = alice
        .create_message(
            t.id,
            &CreateMessage::text("see you there").titled("Demo notes"),
        )
        .await?;
    let base = srv.base_url().to_string();
    let rt = tokio::runtime::Handle::current();
    // The apps own runtimes of their own: they live (and are dropped) off the test's runtime.
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;

        let mut h = signed_in_player(dir.path(), &base, &alice_token)?;
        h.state_mut().apply(Action::SelectThread(t.id));
        step_until(&mut h, Duration::from_secs(10), "the thread header", |h| {
            h.state().selected_thread == Some(t.id) && !h.state().messages.is_empty()
        });
        h.run_steps(3);
        h.get_by_label("Share by link").click();
        step_until(&mut h, Duration::from_secs(10), "the link's state", |h| {
            h.state().share.link.is_some()
        });
        h.run_steps(3);
        h.get_by_label("Off: only the people in this thread can watch it.");
        type_into(&mut h, "Password (optional)", "demo day secret");
        h.get_by_label("Turn on").click();
        step_until(&mut h, Duration::from_secs(10), "the link on", |h| {
            h.state().share.link.as_ref().is_some_and(|l| l.enabled)
        });
        h.run_steps(3);
        h.get_by_label("On, with a password.");
        let url = h
            .state()
            .share
            .link
            .as_ref()
            .and_then(|l| l.url.clone())
            .expect("url");
        assert!(url.contains(&format!("/v/{}?k=", m.id)), "{url}");
        h.get_by_label("Copy link").click();
        h.run_steps(3);
        assert!(
            h.state()
                .notice
                .as_deref()
                .is_some_and(|n| n.contains(&url)),
            "{:?}",
            h.state().notice
        );
        // Signed out, the URL asks for the password (and shows nothing of the message).
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let r = rt.block_on(client.get(&url).send())?;
        assert_eq!(r.status(), 401);
        assert!(!rt.block_on(r.text())?.contains("Demo notes"));
        assert!(rt.block_on(alice.thread_link(t.id))?.has_password);

        // Bob (a member, not the creator) may copy it but not change it.
        let bob_dir = tempfile::tempdir()?;
        let mut b = signed_in_player(bob_dir.path(), &base, &bob_token)?;
        b.state_mut().apply(Action::SelectThread(t.id));
        step_until(&mut b, Duration::from_secs(10), "bob's thread", |b| {
            b.state().selected_thread == Some(t.id)
        });
        b.run_steps(3);
        b.get_by_label("Share by link").click();
        step_until(&mut b, Duration::from_secs(10), "bob sees the link", |b| {
            b.state().share.link.as_ref().is_some_and(|l| l.enabled)
        });
        b.run_steps(3);
        b.get_by_label("Only the thread's creator or an admin may change it.");
        assert!(b.query_by_label("Turn off").is_none());

        // Alice turns it off: the URL is dead at once.
        h.get_by_label("Turn off").click();
        step_until(&mut h, Duration::from_secs(10), "the link off", |h| {
            h.state().share.link.as_ref().is_some_and(|l| !l.enabled)
        });
        assert_eq!(rt.block_on(client.get(&url).send())?.status(), 410);
        Ok(())
    })
    .await??;
    Ok(())
}
