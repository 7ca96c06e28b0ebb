//! WebVTT captions from transcript segments.

use vidmsg_api::Segment;

fn timestamp(ms: i64) -> String {
    let ms = ms.max(0);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000
    )
}

/// A WebVTT document with one cue per segment.
pub fn render(segments: &[Segment]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for (i, s) in segments.iter().enumerate() {
        // A cue's text may not contain "-->" or a blank line.
        let text = s
            .text
            .replace("-->", "→")
            .split('\n')
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        out.push_str(&format!(
            "{}\n{} --> {}\n{}\n\n",
            i + 1,
            timestamp(s.start_ms),
            timestamp(s.end_ms.max(s.start_ms)),
            text
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_cues() {
        let v = render(&[
            Segment {
                start_ms: 0,
                end_ms: 1_500,
                text: "Hello there.".into(),
                words: None,
            },
            Segment {
                start_ms: 3_723_004,
                end_ms: 3_725_000,
                text: "a --> b".into(),
                words: None,
            },
        ]);
        assert!(v.starts_with("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nHello there.\n\n"));
        assert!(v.contains("01:02:03.004 --> 01:02:05.000\na → b\n"));
    }
}
