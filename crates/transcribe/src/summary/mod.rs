//! Titles and chapters made locally from a transcript, with no model and no service: plain,
//! deterministic text algorithms over the timed segments. [`titles`] picks a suggested title
//! (the message's best key phrase, favouring what is said first); [`chapters`] finds changes of
//! topic in recordings over two minutes (TextTiling) and labels each part with its own key
//! phrase. Both are pure functions; the server stores their results.

pub mod chapters;
mod phrases;
pub mod titles;
mod words;

use vidmsg_api::{Chapter, Segment};

pub use chapters::chapters;
pub use titles::suggested_title;

/// What the summaries make of one transcript.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// A title for a message recorded without one.
    pub title: Option<String>,
    /// Empty for recordings of two minutes or less.
    pub chapters: Vec<Chapter>,
}

/// The suggested title and the chapters of a transcript.
pub fn summarize(segments: &[Segment]) -> Summary {
    Summary {
        title: suggested_title(segments),
        chapters: chapters(segments),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use vidmsg_api::Segment;

    /// Segments as whisper would cut them: one a sentence, ~0.4 s a word, 0.6 s pauses.
    pub(crate) fn timed(sentences: &[&str]) -> Vec<Segment> {
        let mut at = 500;
        sentences
            .iter()
            .map(|s| {
                let words = i64::try_from(s.split_whitespace().count()).unwrap_or(0);
                let seg = Segment {
                    start_ms: at,
                    end_ms: at + words * 400,
                    text: (*s).to_string(),
                    ..Default::default()
                };
                at = seg.end_ms + 600;
                seg
            })
            .collect()
    }

    /// A team update on three topics: a product launch, a hiring plan, an office move.
    pub(crate) const THREE_TOPICS: [&[&str]; 3] = [
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
        &[
            "Now the hiring plan for the rest of the year.",
            "We are hiring three engineers and one designer this quarter.",
            "The engineers will join the platform group and the mobile group.",
            "Interviews start next week, and every candidate gets a take home exercise.",
            "Please sign up as an interviewer in the hiring spreadsheet.",
            "We also want a referral from each of you, since referrals hire best.",
            "The designer role needs a strong portfolio and research experience.",
            "The hiring budget was approved by finance yesterday.",
            "So that is the hiring plan.",
        ],
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
    ];

    /// A sprint review in an engineer's own words, fillers and all: an outage, the on-call
    /// rotation, then customer feedback on the editor.
    pub(crate) const RETRO: [&[&str]; 3] = [
        &[
            "Okay, so, um, this is the review of last sprint, and first the database outage.",
            "On Tuesday night the primary database ran out of disk space.",
            "The outage lasted about forty minutes before the replica took over.",
            "The disk filled up because the audit logs were never rotated.",
            "We now rotate the audit logs every day and alert at eighty percent disk.",
            "The postmortem for the outage is in the wiki if you want the details.",
            "We also added a runbook for failing over the database by hand.",
            "Nobody lost data, but the outage hit every customer in Europe.",
            "We will test the database failover every quarter from now on.",
        ],
        &[
            "Second, the on-call rotation.",
            "Right now the same three people carry the pager every week.",
            "Starting next month the rotation includes every backend engineer.",
            "Each shift is one week, and the pager hands over on Monday mornings.",
            "New engineers shadow an experienced person for two shifts first.",
            "If a page wakes you at night, you take the next morning off.",
            "The rotation schedule is in the shared calendar already.",
            "Swap shifts with each other and tell the team lead afterwards.",
            "The pager app is free for everyone on the rotation.",
        ],
        &[
            "And last, customer feedback on the new editor.",
            "Customers love the new editor, but they miss keyboard shortcuts.",
            "Three large customers asked for shortcuts to insert tables and images.",
            "The support team logged forty tickets about the editor toolbar.",
            "Most tickets say the toolbar hides when the window is narrow.",
            "Design will propose a toolbar that wraps instead of hiding.",
            "We will ship the editor shortcuts in the next release.",
            "Until then, the help page lists the shortcuts the editor has today.",
            "Yeah, that's it, thanks, bye.",
        ],
    ];

    /// Prints what the summaries make of the fixtures (the README's examples), and checks them.
    #[test]
    fn examples() {
        for (name, script) in [("update", THREE_TOPICS), ("review", RETRO)] {
            let segs = timed(&script.concat());
            let s = super::summarize(&segs);
            let end = segs.last().map_or(0, |s| s.end_ms);
            println!("{name} ({} s): title {:?}", end / 1000, s.title);
            for c in &s.chapters {
                println!("  {:>3} s  {}", c.start_ms / 1000, c.title);
            }
            assert!(s.title.is_some(), "{name}");
            // One chapter per topic, each starting within 10 s of where its topic does.
            let changes = [
                segs[script[0].len()].start_ms,
                segs[script[0].len() + script[1].len()].start_ms,
            ];
            assert_eq!(s.chapters.len(), 3, "{name}: {:?}", s.chapters);
            for (c, want) in s.chapters[1..].iter().zip(changes) {
                assert!(
                    (c.start_ms - want).abs() <= 10_000,
                    "{name}: {:?} vs {changes:?}",
                    s.chapters
                );
            }
        }
    }

    #[test]
    fn a_long_update_gets_a_title_and_labelled_chapters() {
        let all = THREE_TOPICS.concat();
        let s = super::summarize(&timed(&all));
        let title = s.title.expect("a title").to_lowercase();
        assert!(
            ["launch", "product", "update"]
                .iter()
                .any(|w| title.contains(w)),
            "{title}"
        );
        assert_eq!(s.chapters.len(), 3, "{:?}", s.chapters);
        // Printed for the README's examples (`cargo nextest run … --no-capture`).
        println!("title: {title}");
        for c in &s.chapters {
            println!("  {:>3} s  {}", c.start_ms / 1000, c.title);
        }
    }
}
