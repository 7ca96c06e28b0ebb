//! Notifications that respect people's hours (issue #11, item 5): a new message notifies exactly
//! the people who see its thread; an urgent one at once; a normal one waits out the recipient's
//! quiet hours and arrives with everything else held, as a digest. The server's notification
//! clock is a manual one here: the test moves it across the end of quiet hours, never sleeps.

use std::collections::BTreeSet;
use std::time::Duration;

use vidmsg_api::{
    Client, CreateMessage, CreateSpace, Id, MarkSeen, Message, NewThread, Notification, QuietHours,
    ServerEvent, UpdateMe,
};
use vidmsg_server::clock::Clock;
use vidmsg_tests::TestServer;

use crate::assert_api_err;

fn ms(rfc3339: &str) -> i64 {
    // Tests name instants as text; `jiff` is the server's, the tests parse with it too.
    rfc3339
        .parse::<jiff::Timestamp>()
        .expect("a valid RFC 3339 instant")
        .as_millisecond()
}

async fn post(client: &Client, thread: Id, body: &str, urgent: bool) -> anyhow::Result<Message> {
    Ok(client
        .create_message(thread, &CreateMessage::text(body).urgent(urgent))
        .await?)
}

/// The notifications the event feed brings within `wait`.
async fn fed(feed: &mut vidmsg_api::EventStream, wait: Duration) -> Vec<Notification> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut out = Vec::new();
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, feed.next()).await {
        if let Ok(ServerEvent::Notification { notification }) = ev {
            out.push(notification);
        }
    }
    out
}

fn bodies(items: &[Notification]) -> BTreeSet<String> {
    items.iter().map(|n| n.title.clone()).collect()
}

#[tokio::test]
async fn a_message_notifies_exactly_the_people_who_see_its_thread() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let carol = srv.user("carol").await?;
    let eng = alice
        .create_space(&CreateSpace {
            name: "eng".into(),
            private: false,
        })
        .await?;
    bob.join_space(eng.id).await?;
    let standup = alice
        .new_thread(&NewThread {
            title: "Standup".into(),
            space_id: Some(eng.id),
            people: vec![],
        })
        .await?;
    let direct = alice
        .new_thread(&NewThread {
            title: "For carol".into(),
            space_id: None,
            people: vec!["carol".into()],
        })
        .await?;
    let mut bob_feed = bob.events(None).await?;

    let to_eng = post(&alice, standup.id, "eng update", false).await?;
    let to_carol = post(&alice, direct.id, "carol only", false).await?;

    // Nobody has quiet hours: delivered at once, to exactly the thread's people.
    let b = bob.notifications().await?;
    assert_eq!(bodies(&b.items), BTreeSet::from(["eng update".to_string()]));
    let n = &b.items[0];
    assert_eq!(
        (
            n.message_id,
            n.thread_id,
            n.author.as_str(),
            n.thread_title.as_str()
        ),
        (to_eng.id, standup.id, "alice", "Standup")
    );
    assert!(n.delivered && !n.seen && !n.urgent);
    assert_eq!(b.unseen, 1);
    let c = carol.notifications().await?;
    assert_eq!(bodies(&c.items), BTreeSet::from(["carol only".to_string()]));
    assert_eq!(c.items[0].message_id, to_carol.id);
    assert!(
        alice.notifications().await?.items.is_empty(),
        "the author is not notified"
    );

    // The feed carried bob's, once.
    let got = fed(&mut bob_feed, Duration::from_secs(3)).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].message_id, to_eng.id);

    // Reading the thread answers its notification; marking all seen clears the badge.
    bob.mark_read(standup.id).await?;
    let b = bob.notifications().await?;
    assert!(b.items[0].seen);
    assert_eq!(b.unseen, 0);
    post(&alice, standup.id, "second", false).await?;
    assert_eq!(bob.notifications().await?.unseen, 1);
    let cleared = bob
        .mark_notifications_seen(&MarkSeen { ids: vec![] })
        .await?;
    assert_eq!(cleared.unseen, 0);
    // Someone else's ids are ignored.
    carol
        .mark_notifications_seen(&MarkSeen {
            ids: vec![b.items[0].id],
        })
        .await?;
    assert_eq!(carol.notifications().await?.unseen, 1);
    // A reply by bob notifies alice (the author of the thread is a viewer like any other).
    post(&bob, standup.id, "ack", false).await?;
    assert_eq!(
        bodies(&alice.notifications().await?.items),
        BTreeSet::from(["ack".to_string()])
    );
    // A video notifies once it is uploaded (it can be watched then), not when it is started.
    let video = alice
        .create_message(standup.id, &CreateMessage::video("demo").urgent(true))
        .await?;
    assert!(video.urgent);
    let waiting = bob.notifications().await?;
    assert!(!waiting.items.iter().any(|n| n.message_id == video.id));
    let mut bytes = vidmsg_tests::hostile::ftyp_box();
    bytes.extend(vidmsg_tests::hostile::noise(2000, 3));
    let done = vidmsg_tests::upload::upload_all(&alice, video.id, &bytes).await?;
    assert!(done.urgent);
    let sent = bob.notifications().await?;
    let n = sent
        .items
        .iter()
        .find(|n| n.message_id == video.id)
        .expect("the uploaded video notifies bob");
    assert!(n.urgent && n.delivered);
    // Someone who leaves the space no longer hears of its messages.
    bob.remove_space_member(eng.id, "bob").await?;
    assert!(bob.notifications().await?.items.is_empty());
    Ok(())
}

#[tokio::test]
async fn quiet_hours_hold_a_normal_message_and_let_an_urgent_one_through() -> anyhow::Result<()> {
    // 20:00 in Berlin on a winter evening.
    let clock = Clock::manual(ms("2026-01-14T19:00:00Z"));
    let srv = TestServer::spawn_with_clock(clock.clone()).await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let me = bob
        .update_me(&UpdateMe {
            time_zone: Some(Some("Europe/Berlin".into())),
            quiet_hours: Some(Some(QuietHours {
                start: "18:00".into(),
                end: "09:00".into(),
            })),
        })
        .await?;
    assert_eq!(me.time_zone.as_deref(), Some("Europe/Berlin"));
    let people = alice.list_users().await?;
    let b = people
        .iter()
        .find(|p| p.name == "bob")
        .expect("bob is listed");
    assert_eq!(b.local_time.as_deref(), Some("20:00"));
    assert!(b.in_quiet_hours);
    let a = people
        .iter()
        .find(|p| p.name == "alice")
        .expect("alice is listed");
    assert_eq!((a.local_time.as_deref(), a.in_quiet_hours), (None, false));

    let t = alice
        .new_thread(&NewThread {
            title: "Release".into(),
            space_id: None,
            people: vec!["bob".into()],
        })
        .await?;
    let mut feed = bob.events(None).await?;
    let normal = post(&alice, t.id, "notes for tomorrow", false).await?;
    let later = post(&alice, t.id, "and one more", false).await?;
    let urgent = post(&alice, t.id, "prod is down", true).await?;
    assert!(urgent.urgent && !normal.urgent);

    // Only the urgent one reaches bob tonight.
    let tonight = fed(&mut feed, Duration::from_secs(3)).await;
    assert_eq!(
        bodies(&tonight),
        BTreeSet::from(["prod is down".to_string()])
    );
    assert!(tonight[0].urgent);
    assert_eq!(tonight[0].author, "alice", "bob sees who marked it urgent");
    let list = bob.notifications().await?;
    assert_eq!(list.unseen, 1);
    let morning = ms("2026-01-15T08:00:00Z"); // 09:00 in Berlin
    for n in &list.items {
        if n.message_id == urgent.id {
            assert!(n.delivered);
        } else {
            assert!(!n.delivered, "{n:?} is held");
            assert_eq!(n.deliver_at_ms, morning, "held until bob's quiet hours end");
        }
    }
    // Still quiet at 08:59 Berlin.
    clock.set(morning - 60_000);
    assert!(fed(&mut feed, Duration::from_secs(2)).await.is_empty());

    // 09:00 in Berlin: both held messages arrive together, a digest.
    clock.set(morning);
    let digest = fed(&mut feed, Duration::from_secs(3)).await;
    assert_eq!(
        bodies(&digest),
        BTreeSet::from(["notes for tomorrow".to_string(), "and one more".to_string()])
    );
    assert!(
        digest
            .iter()
            .all(|n| n.deliver_at_ms == morning && !n.urgent)
    );
    assert!(digest.iter().any(|n| n.message_id == normal.id));
    assert!(digest.iter().any(|n| n.message_id == later.id));
    assert_eq!(bob.notifications().await?.unseen, 3);

    // In the day, a normal message goes at once.
    clock.set(ms("2026-01-15T11:00:00Z"));
    post(&alice, t.id, "lunch?", false).await?;
    let day = fed(&mut feed, Duration::from_secs(3)).await;
    assert_eq!(bodies(&day), BTreeSet::from(["lunch?".to_string()]));
    Ok(())
}

#[tokio::test]
async fn a_message_read_during_quiet_hours_does_not_interrupt_later() -> anyhow::Result<()> {
    let clock = Clock::manual(ms("2026-01-14T22:00:00Z"));
    let srv = TestServer::spawn_with_clock(clock.clone()).await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    bob.update_me(&UpdateMe {
        time_zone: Some(Some("Europe/Berlin".into())),
        quiet_hours: Some(Some(QuietHours {
            start: "22:00".into(),
            end: "07:00".into(),
        })),
    })
    .await?;
    let t = alice
        .new_thread(&NewThread {
            title: "Late".into(),
            space_id: None,
            people: vec!["bob".into()],
        })
        .await?;
    let mut feed = bob.events(None).await?;
    post(&alice, t.id, "no rush", false).await?;
    // Bob opens the thread anyway; at 07:00 nothing pops up.
    bob.mark_read(t.id).await?;
    clock.set(ms("2026-01-15T06:00:00Z"));
    assert!(fed(&mut feed, Duration::from_secs(3)).await.is_empty());
    assert_eq!(bob.notifications().await?.unseen, 0);
    Ok(())
}

#[tokio::test]
async fn hours_are_checked_and_a_field_left_out_stays() -> anyhow::Result<()> {
    let srv = TestServer::spawn().await?;
    let bob = srv.user("bob").await?;
    let quiet = |s: &str, e: &str| {
        Some(Some(QuietHours {
            start: s.into(),
            end: e.into(),
        }))
    };
    for (body, says) in [
        (
            UpdateMe {
                time_zone: Some(Some("Europe/Berln".into())),
                quiet_hours: None,
            },
            "unknown time zone",
        ),
        (
            UpdateMe {
                time_zone: None,
                quiet_hours: quiet("18:00", "09:00"),
            },
            "time_zone",
        ),
        (
            UpdateMe {
                time_zone: Some(Some("UTC".into())),
                quiet_hours: quiet("6pm", "09:00"),
            },
            "HH:MM",
        ),
        (
            UpdateMe {
                time_zone: Some(Some("UTC".into())),
                quiet_hours: quiet("09:00", "09:00"),
            },
            "different times",
        ),
    ] {
        let e = bob.update_me(&body).await;
        match &e {
            Err(vidmsg_api::ClientError::Api {
                status: 422,
                body: b,
            }) => {
                assert!(b.message.contains(says), "{}: {says}", b.message)
            }
            other => panic!("{body:?}: expected 422, got {other:?}"),
        }
    }
    let set = bob
        .update_me(&UpdateMe {
            time_zone: Some(Some("America/New_York".into())),
            quiet_hours: quiet("19:30", "08:00"),
        })
        .await?;
    assert_eq!(
        set.quiet_hours.as_ref().map(|q| q.start.as_str()),
        Some("19:30")
    );
    // Left out: unchanged. The zone cannot go while quiet hours need it; null clears both.
    let same = bob.update_me(&UpdateMe::default()).await?;
    assert_eq!(same.time_zone.as_deref(), Some("America/New_York"));
    assert_api_err(
        bob.update_me(&UpdateMe {
            time_zone: Some(None),
            quiet_hours: None,
        })
        .await,
        422,
        "unprocessable",
    );
    let cleared = bob
        .update_me(&UpdateMe {
            time_zone: Some(None),
            quiet_hours: Some(None),
        })
        .await?;
    assert_eq!((cleared.time_zone, cleared.quiet_hours), (None, None));
    assert_eq!(bob.me_with_limits().await?.time_zone, None);
    Ok(())
}
