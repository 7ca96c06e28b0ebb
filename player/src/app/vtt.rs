//! WebVTT captions (as the server writes them) parsed into timed cues.

#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
}

/// `HH:MM:SS.mmm` or `MM:SS.mmm`.
fn parse_time(s: &str) -> Option<i64> {
    let (hms, ms) = s.trim().split_once('.')?;
    let parts: Vec<i64> = hms
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let secs = parts.iter().fold(0, |acc, p| acc * 60 + p);
    Some(secs * 1000 + ms.get(..3)?.parse::<i64>().ok()?)
}

pub fn parse(text: &str) -> Vec<Cue> {
    let mut cues = Vec::new();
    for block in text.replace("\r\n", "\n").split("\n\n") {
        let mut lines = block.lines().skip_while(|l| !l.contains("-->"));
        let Some(timing) = lines.next() else { continue };
        let Some((a, b)) = timing.split_once("-->") else {
            continue;
        };
        let b = b.split_whitespace().next().unwrap_or_default();
        let (Some(start_ms), Some(end_ms)) = (parse_time(a), parse_time(b)) else {
            continue;
        };
        let text = lines.collect::<Vec<_>>().join("\n");
        if !text.trim().is_empty() {
            cues.push(Cue {
                start_ms,
                end_ms,
                text,
            });
        }
    }
    cues
}

/// The cue showing at `ms`.
pub fn at(cues: &[Cue], ms: i64) -> Option<&Cue> {
    cues.iter().find(|c| c.start_ms <= ms && ms < c.end_ms)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_cues() {
        let vtt = "WEBVTT\n\n1\n00:00:01.500 --> 00:00:04.000\nHello there.\n\n2\n00:01:02.000 --> 00:01:03.250 align:start\nSecond\nline\n";
        let cues = super::parse(vtt);
        assert_eq!(cues.len(), 2);
        assert_eq!(
            (cues[0].start_ms, cues[0].end_ms, cues[0].text.as_str()),
            (1500, 4000, "Hello there.")
        );
        assert_eq!((cues[1].start_ms, cues[1].end_ms), (62_000, 63_250));
        assert_eq!(
            super::at(&cues, 2000).map(|c| c.text.as_str()),
            Some("Hello there.")
        );
        assert!(super::at(&cues, 5000).is_none());
    }
}
