//! Transcript-like text from real English word frequencies: each word of a segment is drawn
//! independently with the weight it has in wordfreq's English list (`bench/data/en-words.tsv`,
//! CC BY-SA 4.0, attribution in `bench/data/README.md`). Independent draws give the index the
//! same shape as speech would (a few very common words in most segments, a long tail of rare
//! ones); they do not give grammar, which full-text search does not look at.

use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;

/// The 30,000 most frequent all-letter English words, tab, frequency per billion words.
const WORDS_TSV: &str = include_str!("../data/en-words.tsv");

/// Fewest and most words in one segment (a few seconds of speech, as whisper cuts it).
const MIN_WORDS: usize = 8;
const MAX_WORDS: usize = 20;

/// Draws words and segments with English frequencies.
pub struct WordSampler {
    words: Vec<&'static str>,
    weights: WeightedIndex<u64>,
}

impl WordSampler {
    /// Reads the embedded word list.
    pub fn new() -> anyhow::Result<Self> {
        let mut words = Vec::new();
        let mut freqs = Vec::new();
        for line in WORDS_TSV.lines() {
            let (word, freq) = line
                .split_once('\t')
                .ok_or_else(|| anyhow::anyhow!("bad word list line {line:?}"))?;
            words.push(word);
            freqs.push(freq.parse::<u64>()?);
        }
        Ok(Self {
            words,
            weights: WeightedIndex::new(freqs)?,
        })
    }

    /// How many words the list holds.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the list is empty (never, for the embedded one).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// One word, drawn by frequency.
    pub fn word(&self, rng: &mut impl Rng) -> &'static str {
        self.words[self.weights.sample(rng)]
    }

    /// One segment's text: 8–20 words, the first capitalised, ending with a full stop.
    pub fn segment(&self, rng: &mut impl Rng) -> String {
        let n = rng.random_range(MIN_WORDS..=MAX_WORDS);
        let mut text = String::with_capacity(n * 7);
        for i in 0..n {
            let w = self.word(rng);
            if i == 0 {
                let mut chars = w.chars();
                if let Some(c) = chars.next() {
                    text.extend(c.to_uppercase());
                    text.push_str(chars.as_str());
                }
            } else {
                text.push(' ');
                text.push_str(w);
            }
        }
        text.push('.');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn common_words_come_far_more_often_than_rare_ones() -> anyhow::Result<()> {
        let s = WordSampler::new()?;
        assert_eq!(s.len(), 30_000);
        let mut rng = StdRng::seed_from_u64(7);
        let draws: Vec<&str> = (0..200_000).map(|_| s.word(&mut rng)).collect();
        let the = draws.iter().filter(|w| **w == "the").count();
        let people = draws.iter().filter(|w| **w == "people").count();
        // "the" is 5.8 % of the list's mass, "people" 0.19 %.
        assert!((10_000..13_500).contains(&the), "the: {the}");
        assert!((250..550).contains(&people), "people: {people}");
        let seg = s.segment(&mut rng);
        let n = seg.split(' ').count();
        assert!((MIN_WORDS..=MAX_WORDS).contains(&n), "{seg}");
        assert!(seg.ends_with('.'));
        Ok(())
    }
}
