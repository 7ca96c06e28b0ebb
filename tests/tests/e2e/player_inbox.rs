//! The player as an inbox of people and spaces (issue #11, item 4), driven through its UI with
//! egui_kittest against a real server: alice, bob and carol; a public space `eng` (alice, bob)
//! and another, `design`, that bob has not joined; a direct thread alice → carol. Bob's sidebar
//! shows `#eng` with its unread count and nothing of carol's; choosing `#eng` lists its
//! threads; Browse finds `#design` and joining shows its old threads; the header shows who is
//! in a thread with their local time. Alice adds and removes people of her direct thread, and
//! "Invite a teammate" makes a link that `POST /api/join` accepts.

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use crate::kit::step_until;
use vidmsg_api::{
    Client, CreateMessage, CreateSpace, Id, JoinRequest, MessageKind, NewThread, PageQuery,
    UpdateMe,
};
use vidmsg_player::app::inbox::InboxAction;
use vidmsg_player::app::settings::Settings;
use vidmsg_player::app::{Action, AppOptions, PlayerApp, View};
use vidmsg_tests::TestServer;

async fn say(client: &Client, thread: Id, body: &str) -> anyhow::Result<()> {
    client
        .create_message(
            thread,
            &CreateMessage {
                kind: MessageKind::Text,
                title: Some(body.into()),
                body: Some(body.into()),
                parent_id: None,
                content_type: None,
                urgent: false,
            },
        )
        .await?;
    Ok(())
}

/// Settings signed in as `token`, in `dir/NAME.json`.
fn settings_for(dir: &Path, name: &str, server: &str, token: &str) -> anyhow::Result<PathBuf> {
    let path = dir.join(format!("{name}.json"));
    Settings {
        server: server.to_string(),
        token: token.to_string(),
        ..Settings::default()
    }
    .save(&path)?;
    Ok(path)
}

/// The player, signed in with saved settings, once its threads, spaces and people are in.
fn player(settings: PathBuf) -> Harness<'static, PlayerApp> {
    let options = AppOptions {
        settings_path: Some(settings),
        audio_sink: Some("fakesink".into()),
        ..Default::default()
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_eframe(|cc| PlayerApp::new(&cc.egui_ctx, options).expect("app"));
    step_until(
        &mut h,
        Duration::from_secs(15),
        "the inbox with spaces and people",
        |h| {
            let s = h.state();
            s.view == View::Library
                && !s.threads.is_empty()
                && !s.inbox.spaces.is_empty()
                && !s.inbox.people.is_empty()
        },
    );
    h
}

#[tokio::test(flavor = "multi_thread")]
async fn the_player_is_an_inbox_of_people_and_spaces() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let srv = TestServer::spawn().await?;
    let (alice_token, alice) = srv.account("alice").await?;
    let (bob_token, bob) = srv.account("bob").await?;
    srv.user("carol").await?;
    // Alice's local time shows beside her name in thread headers.
    alice
        .update_me(&UpdateMe {
            time_zone: Some(Some("Asia/Tokyo".into())),
            quiet_hours: None,
        })
        .await?;

    let eng = alice
        .create_space(&CreateSpace {
            name: "eng".into(),
            private: false,
        })
        .await?;
    alice.add_space_member(eng.id, "bob").await?;
    let design = alice
        .create_space(&CreateSpace {
            name: "design".into(),
            private: false,
        })
        .await?;
    let to_space = |title: &str, space: Id| NewThread {
        title: title.into(),
        space_id: Some(space),
        people: vec![],
    };
    let roadmap = alice.new_thread(&to_space("Roadmap", eng.id)).await?;
    say(&alice, roadmap.id, "Q3 plans are in").await?;
    let roadmap_id = roadmap.id;
    let review = alice
        .new_thread(&to_space("Design review", design.id))
        .await?;
    say(&alice, review.id, "New logo").await?;
    let to_people = |title: &str, people: &[&str]| NewThread {
        title: title.into(),
        space_id: None,
        people: people.iter().map(|p| p.to_string()).collect(),
    };
    let lunch = alice.new_thread(&to_people("Lunch", &["carol"])).await?;
    say(&alice, lunch.id, "Noodles?").await?;
    bob.new_thread(&to_people("Hello alice", &["alice"]))
        .await?;

    let bob_settings = settings_for(dir.path(), "bob", srv.base_url(), &bob_token)?;
    let alice_settings = settings_for(dir.path(), "alice", srv.base_url(), &alice_token)?;
    let (rt, alice2) = (tokio::runtime::Handle::current(), alice.clone());
    let invite_url = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        // Bob: #eng with its unread message, his direct thread, nothing of carol's.
        let mut h = player(bob_settings);
        h.get_by_label("#eng (1 new)");
        h.get_by_label("alice: Hello alice");
        assert!(h.query_by_label("Hello alice").is_some(), "All lists it");
        assert!(
            h.query_by_label_contains("carol").is_none(),
            "carol's thread"
        );
        assert!(
            h.query_by_label_contains("Lunch").is_none(),
            "carol's thread"
        );
        assert!(h.query_by_label_contains("#design").is_none(), "not joined");

        // Choosing #eng lists its threads only.
        h.get_by_label("#eng (1 new)").click();
        h.run_steps(2);
        h.get_by_label("Threads in #eng");
        assert!(h.query_by_label("Roadmap (1 new)").is_some());
        assert!(h.query_by_label("Hello alice").is_none(), "not in #eng");

        // The header: the space, its members, alice's local time.
        h.get_by_label("Roadmap (1 new)").click();
        step_until(&mut h, Duration::from_secs(10), "the thread", |h| {
            h.query_by_label("Q3 plans are in").is_some()
        });
        h.get_by_label("#eng · 2 members");
        h.get_by_label("bob");
        let alice_label = h.state().member_label("alice");
        assert!(
            is_time_after(&alice_label, "alice · "),
            "alice's local time: {alice_label}"
        );
        h.get_by_label(&alice_label);
        assert!(
            h.query_by_label("Add person").is_none(),
            "a space's people are its members"
        );
        h.get_by_label("#eng").click();
        h.run_steps(2);
        assert!(h.query_by_label("#eng (1 new)").is_none(), "read");

        // Browse: #design, not joined; joining shows its old thread.
        h.get_by_label("Browse spaces").click();
        h.run_steps(2);
        h.get_by_label("#design · 1 member");
        h.get_by_label("Join #design").click();
        step_until(&mut h, Duration::from_secs(10), "#design's thread", |h| {
            h.query_by_label("Threads in #design").is_some()
                && h.query_by_label_contains("Design review").is_some()
        });
        assert!(h.query_by_label("#design (1 new)").is_some());
        // …and leaving takes it away again.
        h.get_by_label("Leave #design").click();
        step_until(&mut h, Duration::from_secs(10), "#design gone", |h| {
            h.query_by_label_contains("Design review").is_none()
                && h.query_by_label("Threads").is_some()
        });

        // A space bob is added to while the player runs arrives through the event feed.
        rt.block_on(async {
            let ops = alice2
                .create_space(&CreateSpace {
                    name: "ops".into(),
                    private: true,
                })
                .await?;
            alice2.add_space_member(ops.id, "bob").await?;
            let t = alice2.new_thread(&to_space("Pager duty", ops.id)).await?;
            say(&alice2, t.id, "You are on call").await
        })?;
        step_until(&mut h, Duration::from_secs(15), "#ops pushed", |h| {
            h.query_by_label("#ops (1 new)").is_some()
        });

        // What the server refuses shows with its reason: a space thread's people are the
        // space's (bob cannot take alice out of #eng's thread).
        h.state_mut()
            .apply(Action::Inbox(InboxAction::RemovePerson {
                thread: roadmap_id,
                name: "alice".into(),
            }));
        step_until(&mut h, Duration::from_secs(10), "the refusal", |h| {
            h.state()
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("Could not remove alice: ") && !n.contains("409"))
        });
        eprintln!("refusal shown: {:?}", h.state().notice);
        drop(h);

        // Alice: her direct thread with carol; she adds bob and removes him again.
        let mut h = player(alice_settings);
        h.get_by_label("carol: Lunch").click();
        step_until(&mut h, Duration::from_secs(10), "the thread", |h| {
            h.query_by_label("Noodles?").is_some()
        });
        h.get_by_label("carol");
        h.get_by_label("Add person").click();
        h.run_steps(2);
        h.get_by_label("bob").click();
        step_until(&mut h, Duration::from_secs(10), "bob added", |h| {
            h.query_by_label("Remove bob").is_some()
        });
        h.get_by_label("Remove bob").click();
        step_until(&mut h, Duration::from_secs(10), "bob removed", |h| {
            h.query_by_label("Remove bob").is_none() && h.query_by_label("Remove carol").is_some()
        });

        // Invite a teammate into #eng: the link is shown (and copied).
        h.get_by_label("#eng").click();
        h.run_steps(2);
        h.get_by_label("Invite a teammate").click();
        step_until(&mut h, Duration::from_secs(10), "the invite", |h| {
            h.state().inbox.invite.is_some()
        });
        let url = h
            .state()
            .inbox
            .invite
            .as_ref()
            .map(|i| i.url.clone())
            .unwrap_or_default();
        assert!(h.query_by_label_contains("Invite link copied").is_some());
        assert!(h.query_by_label_contains(&url).is_some());
        Ok(url)
    })
    .await??;

    // The server agrees: bob left #design, carol's thread is carol's and alice's again.
    let lunch = alice.get_thread(lunch.id).await?;
    assert_eq!(lunch.members.len(), 2, "{:?}", lunch.members);
    let bob_threads = bob.list_threads(&PageQuery::default()).await?.items;
    assert!(bob_threads.iter().all(|t| t.space_id != Some(design.id)));

    // The copied link lets a new teammate in, straight into #eng.
    let joined = srv
        .anonymous()
        .join(&JoinRequest {
            code: invite_url,
            name: "dave".into(),
            password: "dave's long password".into(),
        })
        .await?;
    let dave = Client::new(srv.base_url(), Some(joined.token))?;
    let spaces = dave.list_spaces().await?;
    assert!(
        spaces.iter().any(|s| s.name == "eng" && s.joined),
        "{spaces:?}"
    );
    Ok(())
}

/// Whether `label` is `prefix` followed by a local time `HH:MM`.
fn is_time_after(label: &str, prefix: &str) -> bool {
    label.strip_prefix(prefix).is_some_and(|rest| {
        let b = rest.as_bytes();
        b.len() >= 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
    })
}
