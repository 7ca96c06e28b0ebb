//! Titles and chapters made from the transcript: a 2+ minute espeak-ng update on three topics (a
//! product launch, a hiring plan, an office move), posted without a title, transcribed by the
//! real worker with tiny.en; the message gets a suggested title and one chapter per topic,
//! starting near where each topic really starts; the author takes the suggested title.

use std::time::Duration;

use vidmsg_api::{CreateMessage, CreateThread, MessageKind, SetThreadLink, UpdateMessage};
use vidmsg_tests::TestServer;
use vidmsg_tests::speech::make_clip;
use vidmsg_tests::upload::upload_all;

use crate::assert_api_err;

/// The script, topic by topic, with words that name each topic.
const TOPICS: [(&[&str], &[&str]); 3] = [
    (
        &[
            "Hi everyone, here is the monthly update, starting with the product launch.",
            "The product launch is set for the second week of June.",
            "Marketing has the launch video ready and the press release is written.",
            "The beta customers liked the new dashboard and asked for a dark theme.",
            "We fixed the last crash in the dashboard on Friday.",
            "The launch checklist still has two open items for the support team.",
            "Support will get a training session on the product before the launch.",
            "If you find a bug in the beta, file it before the launch date.",
            "That is all for the product launch.",
        ],
        &["launch", "product", "dashboard", "beta", "update"],
    ),
    (
        &[
            "Now the hiring plan for the rest of the year.",
            "We are hiring three engineers and one designer this quarter.",
            "The engineers will join the platform group and the mobile group.",
            "Interviews start next week, and every candidate gets a take home exercise.",
            "Please sign up as an interviewer in the hiring spreadsheet.",
            "The designer role needs a strong portfolio and research experience.",
            "The hiring budget was approved by finance yesterday.",
            "We also want a referral from each of you, since referrals hire best.",
            "So that is the hiring plan.",
        ],
        &[
            "hiring",
            "hire",
            "engineer",
            "designer",
            "interview",
            "candidate",
        ],
    ),
    (
        &[
            "Last, the office move.",
            "We move to the new office on Market Street at the end of August.",
            "The new office has four meeting rooms and a quiet room for calls.",
            "Movers will pack the desks and monitors on the Friday before the move.",
            "Label your boxes with your name and your new desk number.",
            "Parking at the new office is free for the first year.",
            "The old office closes for good on the first of September.",
            "Send questions about the office move to the facilities team.",
            "Thanks, and see you at the new office.",
        ],
        &["office", "move", "desk", "parking", "street"],
    ),
];

#[tokio::test]
async fn a_long_update_gets_a_suggested_title_and_chapters() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let sentences: Vec<&str> = TOPICS.iter().flat_map(|(s, _)| s.iter().copied()).collect();
    let clip = make_clip(dir.path(), "update", &sentences, 800, 1600)?;
    anyhow::ensure!(
        clip.duration_ms > 125_000 && clip.duration_ms < 160_000,
        "the script must speak a little over two minutes, not {} ms",
        clip.duration_ms
    );
    // Where the second and third topics start in the clip.
    let changes = [
        clip.sentences[TOPICS[0].0.len()].0,
        clip.sentences[TOPICS[0].0.len() + TOPICS[1].0.len()].0,
    ];

    let srv = TestServer::spawn_transcribing().await?;
    let alice = srv.user("alice").await?;
    let bob = srv.user("bob").await?;
    let t = alice
        .create_thread(&CreateThread {
            title: "Monthly".into(),
            members: vec!["bob".into()],
        })
        .await?;
    let untitled = CreateMessage {
        kind: MessageKind::Video,
        title: None,
        body: None,
        parent_id: None,
        content_type: None,
        urgent: false,
    };
    let msg = alice.create_message(t.id, &untitled).await?;
    assert_eq!(msg.title, "Untitled video");
    assert!(msg.suggested_title.is_none() && msg.chapters.is_empty());
    upload_all(&alice, msg.id, &std::fs::read(&clip.path)?).await?;
    let done = TestServer::wait_ready(&bob, msg.id, Duration::from_secs(600)).await?;

    // Printed for the README's examples (`--no-capture`).
    let transcript = bob.transcript(msg.id).await?;
    println!("transcript: {} segments", transcript.segments.len());
    println!("suggested title: {:?}", done.suggested_title);
    for c in &done.chapters {
        println!("  {:>6} ms  {}", c.start_ms, c.title);
    }
    println!("real topic changes at {changes:?} ms");

    let title = done.suggested_title.clone().expect("a suggested title");
    assert!(title.chars().count() <= 60, "{title}");
    let all_words: Vec<&str> = TOPICS.iter().flat_map(|(_, w)| w.iter().copied()).collect();
    assert!(
        all_words.iter().any(|w| title.to_lowercase().contains(w)),
        "title {title:?} names none of the topics"
    );

    let ch = &done.chapters;
    assert!(ch.len() >= 2, "chapters: {ch:?}");
    assert_eq!(ch[0].start_ms, 0);
    // Every boundary lies within 15 s of a real change of topic, and each change has one.
    for c in &ch[1..] {
        assert!(
            changes.iter().any(|t| (c.start_ms - t).abs() <= 15_000),
            "chapter at {} ms is far from the topic changes {changes:?}",
            c.start_ms
        );
    }
    for t in changes {
        assert!(
            ch.iter().any(|c| (c.start_ms - t).abs() <= 15_000),
            "no chapter starts near the change at {t} ms: {ch:?}"
        );
    }
    // Each label names its own topic: the topic said where the chapter starts.
    for c in ch {
        let topic = changes
            .iter()
            .filter(|t| c.start_ms + 15_000 >= **t)
            .count();
        let label = c.title.to_lowercase();
        assert!(
            TOPICS[topic].1.iter().any(|w| label.contains(w)),
            "label {label:?} at {} ms names nothing of topic {topic}",
            c.start_ms
        );
    }

    // The share page lists the chapters (buttons that seek, like the transcript's) and shows the
    // suggested title while the video has none.
    let link = alice
        .set_thread_link(
            t.id,
            &SetThreadLink {
                enabled: true,
                password: None,
                expires_at: None,
            },
        )
        .await?;
    let key = link.key.clone().expect("the link's key");
    let page = reqwest::get(format!("{}/v/{}?k={key}", srv.base_url(), msg.id))
        .await?
        .text()
        .await?;
    assert!(page.contains("id=\"chapters\""), "{page}");
    for c in ch {
        assert!(
            page.contains(&format!(
                "data-seek-ms=\"{}\"><span class=\"at\">",
                c.start_ms
            )),
            "no chapter at {} ms on the share page",
            c.start_ms
        );
    }
    assert!(page.contains("Title suggested from the transcript"));
    assert!(
        page.contains(&format!("<h1>{}</h1>", html_escaped(&title))),
        "the page is titled {title:?}"
    );

    // Only the author (or an admin) takes it; then the title is the author's and no longer
    // suggested.
    assert_api_err(
        bob.update_message(
            msg.id,
            &UpdateMessage {
                title: Some(title.clone()),
            },
        )
        .await,
        403,
        "forbidden",
    );
    assert_api_err(
        alice
            .update_message(
                msg.id,
                &UpdateMessage {
                    title: Some("   ".into()),
                },
            )
            .await,
        422,
        "unprocessable",
    );
    let renamed = alice
        .update_message(
            msg.id,
            &UpdateMessage {
                title: Some(title.clone()),
            },
        )
        .await?;
    assert_eq!(renamed.title, title);
    assert_eq!(renamed.suggested_title, None);
    assert_eq!(&renamed.chapters, ch);
    let seen = bob.get_message(msg.id).await?;
    assert_eq!((seen.title, seen.suggested_title), (title, None));
    Ok(())
}

/// Text as the page templates write it (askama's HTML escaping).
fn html_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
