//! Chapters of a long recording by TextTiling (Hearst, 1997): every pause between two
//! transcript segments is a possible boundary; the words said in the 30 seconds before it and in
//! the 30 seconds after it (stems of content words, see [`super::words`]) are compared by cosine
//! similarity. Where the topic changes, the two sides share few words: the similarity dips (the
//! curve is smoothed first). Each dip's *depth* (how far it lies below the nearest peaks on both sides) ranks the candidates;
//! the deepest ones above the cut-off (mean depth minus half its standard deviation) become
//! boundaries, deepest first, as long as every chapter stays at least 30 s long and there is at
//! most about one chapter a minute. A boundary is a segment's start, where whisper found a pause.
//! Each chapter is labelled with its own key phrase (see [`super::phrases`]), its words weighted
//! by how often they are said in the chapter times how few other chapters say them.

use std::collections::HashMap;

use vidmsg_api::{Chapter, Segment};

use super::phrases::{Phrase, best, candidates, segment_pieces, stem_counts};
use super::words::Piece;

/// Recordings this long or shorter get no chapters.
pub const MIN_RECORDING_MS: i64 = 120_000;
/// Shortest chapter.
pub const MIN_CHAPTER_MS: i64 = 30_000;
/// How much speech on each side of a pause is compared.
const WINDOW_MS: i64 = 30_000;
/// At least this many segments on each side, however long they are.
const MIN_WINDOW_SEGMENTS: usize = 2;
/// A dip shallower than this is noise, not a change of topic.
const MIN_DEPTH: f64 = 0.1;
/// Longest chapter label, in characters.
pub const MAX_LABEL_CHARS: usize = 40;
/// Phrases said this soon after a chapter starts count more in its label.
const EARLY_MS: i64 = 20_000;

/// The chapters of a transcript: empty for recordings of two minutes or less, or when no change
/// of topic stands out; otherwise two or more, the first starting at 0.
pub fn chapters(segments: &[Segment]) -> Vec<Chapter> {
    let segs: Vec<Segment> = segments
        .iter()
        .filter(|s| !s.text.trim().is_empty())
        .cloned()
        .collect();
    let end_ms = segs.iter().map(|s| s.end_ms).max().unwrap_or(0);
    if end_ms <= MIN_RECORDING_MS || segs.len() < 2 * MIN_WINDOW_SEGMENTS + 1 {
        return Vec::new();
    }
    let pieces = segment_pieces(&segs);
    let bags: Vec<HashMap<String, f64>> = pieces
        .iter()
        .map(|p| stem_counts(std::slice::from_ref(p)))
        .collect();
    let starts = boundaries(&segs, &bags, end_ms);
    if starts.is_empty() {
        return Vec::new();
    }
    let mut ranges = vec![0usize];
    ranges.extend(&starts);
    label(&segs, &pieces, &ranges)
}

/// Indexes of the segments that start a new chapter (after the first), in order.
fn boundaries(segs: &[Segment], bags: &[HashMap<String, f64>], end_ms: i64) -> Vec<usize> {
    let n = segs.len();
    // Similarity across each pause: the pause before segment `i`, for i in 1..n.
    let raw: Vec<f64> = (1..n)
        .map(|i| {
            let t = segs[i].start_ms;
            let mut left = i.saturating_sub(MIN_WINDOW_SEGMENTS);
            while left > 0 && segs[left - 1].start_ms >= t - WINDOW_MS {
                left -= 1;
            }
            let mut right = (i + MIN_WINDOW_SEGMENTS).min(n);
            while right < n && segs[right].start_ms < t + WINDOW_MS {
                right += 1;
            }
            cosine(&sum(&bags[left..i]), &sum(&bags[i..right]))
        })
        .collect();
    // Smoothed (¼, ½, ¼), as TextTiling does, so a small bump on a slope does not stop the
    // climb that measures a dip.
    let sims: Vec<f64> = (0..raw.len())
        .map(|g| {
            let left = raw[g.saturating_sub(1)];
            let right = raw.get(g + 1).copied().unwrap_or(raw[g]);
            (left + 2.0 * raw[g] + right) / 4.0
        })
        .collect();
    // Depth of each dip: the climb to the highest point on each side.
    let depths: Vec<f64> = (0..sims.len())
        .map(|g| {
            let mut l = sims[g];
            for s in sims[..g].iter().rev() {
                if *s < l {
                    break;
                }
                l = *s;
            }
            let mut r = sims[g];
            for s in &sims[g + 1..] {
                if *s < r {
                    break;
                }
                r = *s;
            }
            (l - sims[g]) + (r - sims[g])
        })
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let count = depths.len().max(1) as f64;
    let mean = depths.iter().sum::<f64>() / count;
    let sd = (depths.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / count).sqrt();
    let cutoff = (mean - sd / 2.0).max(MIN_DEPTH);
    // A longer pause before a segment is a slightly better place to cut.
    let pause = |i: usize| {
        #[allow(clippy::cast_precision_loss)]
        let p = (segs[i].start_ms - segs[i - 1].end_ms).clamp(0, 2_000) as f64 / 2_000.0;
        p * 0.05
    };
    let mut candidates: Vec<(f64, usize)> = depths
        .iter()
        .enumerate()
        .filter(|(_, d)| **d > cutoff)
        .map(|(g, d)| (d + pause(g + 1), g + 1))
        .collect();
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let max_chapters = usize::try_from((end_ms + 59_999) / 60_000).unwrap_or(usize::MAX);
    let mut chosen: Vec<usize> = Vec::new();
    for (_, i) in candidates {
        if chosen.len() + 1 >= max_chapters {
            break;
        }
        let t = segs[i].start_ms;
        let fits = t >= MIN_CHAPTER_MS
            && end_ms - t >= MIN_CHAPTER_MS
            && chosen
                .iter()
                .all(|&c| (segs[c].start_ms - t).abs() >= MIN_CHAPTER_MS);
        if fits {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen
}

fn sum(bags: &[HashMap<String, f64>]) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for b in bags {
        for (k, v) in b {
            *out.entry(k.clone()).or_insert(0.0) += v;
        }
    }
    out
}

fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    let dot: f64 = a.iter().filter_map(|(k, v)| b.get(k).map(|w| v * w)).sum();
    let norm = |m: &HashMap<String, f64>| m.values().map(|v| v * v).sum::<f64>().sqrt();
    let d = norm(a) * norm(b);
    if d == 0.0 { 0.0 } else { dot / d }
}

/// Labels each chapter (segments `ranges[k]..ranges[k + 1]`) with its own key phrase.
fn label(segs: &[Segment], pieces: &[(i64, Vec<Piece>)], ranges: &[usize]) -> Vec<Chapter> {
    let spans: Vec<(usize, usize)> = ranges
        .iter()
        .enumerate()
        .map(|(k, &a)| (a, ranges.get(k + 1).copied().unwrap_or(segs.len())))
        .collect();
    let counts: Vec<HashMap<String, f64>> = spans
        .iter()
        .map(|&(a, b)| stem_counts(&pieces[a..b]))
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let chapters_n = counts.len() as f64;
    let mut used: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(spans.len());
    for (k, &(a, b)) in spans.iter().enumerate() {
        let start_ms = if k == 0 { 0 } else { segs[a].start_ms };
        let phrases: Vec<Phrase> = candidates(&pieces[a..b]);
        let weight = |s: &str| {
            let tf = counts[k].get(s).copied().unwrap_or(0.0);
            #[allow(clippy::cast_precision_loss)]
            let df = counts.iter().filter(|c| c.contains_key(s)).count().max(1) as f64;
            tf * (1.0 + chapters_n / df).ln()
        };
        let title = match best(&phrases, &weight, segs[a].start_ms, EARLY_MS, &used) {
            Some(p) => {
                used.push(p.stems.join(" "));
                p.display(MAX_LABEL_CHARS)
            }
            None => format!("Part {}", k + 1),
        };
        out.push(Chapter { start_ms, title });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{THREE_TOPICS, timed};
    use super::*;

    #[test]
    fn three_topics_give_three_chapters_at_the_changes() {
        let segs = timed(&THREE_TOPICS.concat());
        let changes = [
            segs[THREE_TOPICS[0].len()].start_ms,
            segs[THREE_TOPICS[0].len() + THREE_TOPICS[1].len()].start_ms,
        ];
        let ch = chapters(&segs);
        assert_eq!(ch.len(), 3, "{ch:?}");
        assert_eq!(ch[0].start_ms, 0);
        for (c, want) in ch[1..].iter().zip(changes) {
            assert!((c.start_ms - want).abs() <= 10_000, "{ch:?} vs {changes:?}");
        }
        let labels: Vec<String> = ch.iter().map(|c| c.title.to_lowercase()).collect();
        assert!(
            labels[0].contains("launch") || labels[0].contains("product"),
            "{labels:?}"
        );
        assert!(
            labels[1].contains("hiring") || labels[1].contains("engineer"),
            "{labels:?}"
        );
        assert!(labels[2].contains("office"), "{labels:?}");
        assert!(
            ch.iter()
                .all(|c| c.title.chars().count() <= MAX_LABEL_CHARS)
        );
    }

    #[test]
    fn short_recordings_have_no_chapters() {
        let segs = timed(&THREE_TOPICS.concat()[..12]);
        assert!(segs.last().is_some_and(|s| s.end_ms <= MIN_RECORDING_MS));
        assert!(chapters(&segs).is_empty());
    }

    #[test]
    fn one_topic_all_along_has_no_chapters() {
        let one: Vec<&str> = THREE_TOPICS[2]
            .iter()
            .chain(THREE_TOPICS[2].iter())
            .chain(THREE_TOPICS[2].iter())
            .copied()
            .collect();
        let segs = timed(&one);
        assert!(segs.last().is_some_and(|s| s.end_ms > MIN_RECORDING_MS));
        let ch = chapters(&segs);
        // Repeating itself, the talk has no deep dip; at most it is cut where the repetition
        // starts over, never into pieces shorter than the minimum.
        assert!(
            ch.windows(2)
                .all(|w| w[1].start_ms - w[0].start_ms >= MIN_CHAPTER_MS),
            "{ch:?}"
        );
    }

    #[test]
    fn chapters_are_deterministic_and_bounded() {
        let segs = timed(&THREE_TOPICS.concat());
        assert_eq!(chapters(&segs), chapters(&segs));
        let end = segs.last().map_or(0, |s| s.end_ms);
        let max = usize::try_from((end + 59_999) / 60_000).unwrap_or(0);
        assert!(chapters(&segs).len() <= max);
    }
}
