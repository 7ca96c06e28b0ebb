//! Word error rate the way Whisper's evaluations count it: both the reference and the
//! transcript go through an English normalizer first (lower case, no punctuation or bracketed
//! annotations, contractions spelled out, spelled numbers as digits, titles and a few spellings
//! standardized), so "Mr. Dashwood, twenty-five." and "mister dashwood 25" are the same words.
//! Then errors are the word-level edit distance (substitutions + deletions + insertions).

/// Words whose spelling varies; the right-hand side is used for both texts.
const SPELLINGS: &[(&str, &str)] = &[
    ("mr", "mister"),
    ("mrs", "missus"),
    ("dr", "doctor"),
    ("st", "saint"),
    ("ok", "okay"),
    ("alright", "all right"),
    ("cannot", "can not"),
    ("colour", "color"),
    ("favourite", "favorite"),
    ("honour", "honor"),
    ("behaviour", "behavior"),
    ("neighbour", "neighbor"),
    ("centre", "center"),
    ("metres", "meters"),
    ("metre", "meter"),
    ("organise", "organize"),
    ("realise", "realize"),
    ("recognise", "recognize"),
    ("cancelled", "canceled"),
    ("travelled", "traveled"),
    ("grey", "gray"),
    ("programme", "program"),
    ("percent", "%"),
];

/// Hesitations Whisper's normalizer drops.
const FILLERS: &[&str] = &["hmm", "mm", "mhm", "mmm", "uh", "um", "er", "ah"];

/// Contractions, longest first; a bare `n't` and friends are handled after these.
const CONTRACTIONS: &[(&str, &str)] = &[
    ("won't", "will not"),
    ("can't", "can not"),
    ("shan't", "shall not"),
    ("ain't", "is not"),
    ("let's", "let us"),
    ("it's", "it is"),
    ("that's", "that is"),
    ("there's", "there is"),
    ("here's", "here is"),
    ("what's", "what is"),
    ("who's", "who is"),
    ("where's", "where is"),
    ("he's", "he is"),
    ("she's", "she is"),
];

const SUFFIXES: &[(&str, &str)] = &[
    ("n't", " not"),
    ("'re", " are"),
    ("'ve", " have"),
    ("'m", " am"),
    ("'ll", " will"),
    ("'d", " would"),
];

/// The normalized words of `text`, joined by single spaces.
pub fn normalize(text: &str) -> String {
    let lower = text
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'");
    let text = strip_brackets(&lower);
    // Commas inside numbers ("1,000") go; other punctuation becomes a space, except the
    // apostrophe (contractions) and a decimal point between digits.
    let chars: Vec<char> = text.chars().collect();
    let mut cleaned = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        match c {
            ',' if between_digits => {}
            '.' if between_digits => cleaned.push('.'),
            '%' => cleaned.push_str(" % "),
            '\'' => cleaned.push('\''),
            c if c.is_alphanumeric() => cleaned.push(c),
            _ => cleaned.push(' '),
        }
    }
    let mut words: Vec<String> = Vec::new();
    for word in cleaned.split_whitespace() {
        let word = word.trim_matches('\'');
        if word.is_empty() || FILLERS.contains(&word) {
            continue;
        }
        for w in expand_contraction(word).split_whitespace() {
            let w = w.replace('\'', "");
            match SPELLINGS.iter().find(|(from, _)| *from == w) {
                Some((_, to)) => words.extend(to.split(' ').map(str::to_string)),
                None => words.push(w),
            }
        }
    }
    numbers_to_digits(&words).join(" ")
}

/// Text without `[annotations]`, `<tags>` and `(asides)`.
fn strip_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing: Option<char> = None;
    for c in text.chars() {
        match (closing, c) {
            (None, '[') => closing = Some(']'),
            (None, '<') => closing = Some('>'),
            (None, '(') => closing = Some(')'),
            (None, c) => out.push(c),
            (Some(end), c) if c == end => {
                closing = None;
                out.push(' ');
            }
            (Some(_), _) => {}
        }
    }
    out
}

fn expand_contraction(word: &str) -> String {
    if let Some((_, to)) = CONTRACTIONS.iter().find(|(from, _)| *from == word) {
        return (*to).to_string();
    }
    for (suffix, to) in SUFFIXES {
        if let Some(stem) = word.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return format!("{stem}{to}");
        }
    }
    word.to_string()
}

fn small_number(word: &str) -> Option<u64> {
    const UNITS: &[&str] = &[
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: &[&str] = &[
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = UNITS.iter().position(|u| *u == word) {
        return Some(i as u64);
    }
    TENS.iter()
        .position(|t| *t == word)
        .map(|i| (i as u64 + 2) * 10)
}

fn multiplier(word: &str) -> Option<u64> {
    match word {
        "hundred" => Some(100),
        "thousand" => Some(1_000),
        "million" => Some(1_000_000),
        "billion" => Some(1_000_000_000),
        _ => None,
    }
}

/// Spelled cardinal numbers as digits: "twenty five" → "25", "two hundred and six" → "206",
/// "three thousand" → "3000". Digits said one by one ("two nine three") stay separate numbers.
fn numbers_to_digits(words: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let Some((value, used)) = read_number(&words[i..]) else {
            out.push(words[i].clone());
            i += 1;
            continue;
        };
        out.push(value.to_string());
        i += used;
    }
    out
}

/// A spelled number at the start of `words`: its value and how many words it took.
fn read_number(words: &[String]) -> Option<(u64, usize)> {
    let first = small_number(&words[0])?;
    let (mut total, mut current) = (0u64, first);
    // What the last word was: a unit or teen (< 20), a tens word, or a multiplier.
    #[derive(PartialEq)]
    enum Last {
        Small,
        Tens,
        Scale(u64),
    }
    let mut last = if first >= 20 { Last::Tens } else { Last::Small };
    let mut used = 1;
    while used < words.len() {
        let w = words[used].as_str();
        if let Some(n) = small_number(w) {
            let fits = match last {
                Last::Tens => (1..10).contains(&n),
                Last::Scale(_) => true,
                Last::Small => false,
            };
            if !fits {
                break;
            }
            current += n;
            last = if n >= 20 { Last::Tens } else { Last::Small };
            used += 1;
        } else if let Some(m) = multiplier(w) {
            if matches!(last, Last::Scale(s) if s <= m) || current == 0 {
                break;
            }
            if m == 100 {
                current *= 100;
            } else {
                total += current * m;
                current = 0;
            }
            last = Last::Scale(m);
            used += 1;
        } else if w == "and"
            && matches!(last, Last::Scale(_))
            && words
                .get(used + 1)
                .is_some_and(|n| small_number(n).is_some())
        {
            used += 1;
        } else {
            break;
        }
    }
    Some((total + current, used))
}

/// Word errors of one transcript against its reference, both already normalized or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordErrors {
    /// Substitutions + deletions + insertions.
    pub errors: usize,
    /// Words in the reference.
    pub words: usize,
}

impl WordErrors {
    /// Normalizes both texts and counts the edits that turn the reference into the hypothesis.
    pub fn count(reference: &str, hypothesis: &str) -> Self {
        let r = normalize(reference);
        let h = normalize(hypothesis);
        let r: Vec<&str> = r.split_whitespace().collect();
        let h: Vec<&str> = h.split_whitespace().collect();
        Self {
            errors: edit_distance(&r, &h),
            words: r.len(),
        }
    }

    pub fn plus(self, other: Self) -> Self {
        Self {
            errors: self.errors + other.errors,
            words: self.words + other.words,
        }
    }

    /// Errors per reference word, in percent.
    pub fn rate_percent(self) -> f64 {
        if self.words == 0 {
            return if self.errors == 0 { 0.0 } else { 100.0 };
        }
        100.0 * self.errors as f64 / self.words as f64
    }
}

/// Levenshtein distance over words.
fn edit_distance(a: &[&str], b: &[&str]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, wa) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, wb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(wa != wb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_punctuation_and_annotations_go() {
        assert_eq!(
            normalize("Hello, World! [BLANK_AUDIO] (laughs) Call-Forward on No Answer..."),
            "hello world call forward on no answer"
        );
        assert_eq!(normalize("  \"Ill-disposed?\"  "), "ill disposed");
    }

    #[test]
    fn contractions_titles_and_spellings_are_standardized() {
        assert_eq!(
            normalize("Mr. Dashwood won't say it's the colour we'd like; don't."),
            "mister dashwood will not say it is the color we would like do not"
        );
        assert_eq!(
            normalize("Let's go. OK, alright, um, fine"),
            "let us go okay all right fine"
        );
        assert_eq!(
            normalize("the party’s extension"),
            normalize("the party's extension")
        );
    }

    #[test]
    fn spelled_numbers_become_digits() {
        assert_eq!(normalize("Go forward ten meters"), "go forward 10 meters");
        assert_eq!(normalize("twenty-five"), "25");
        assert_eq!(normalize("two hundred and six people"), "206 people");
        assert_eq!(normalize("three thousand four hundred twelve"), "3412");
        assert_eq!(
            normalize("press 1, then 2,500 or 3.5%"),
            "press 1 then 2500 or 3.5 %"
        );
        // Digits said one by one stay one by one.
        assert_eq!(normalize("two nine three four zero"), "2 9 3 4 0");
        assert_eq!(normalize("one hundred and"), "100 and");
    }

    #[test]
    fn word_error_rate_counts_edits_after_normalizing() {
        let same = WordErrors::count("Mister John Dashwood, ten.", "mr john dashwood 10");
        assert_eq!(
            same,
            WordErrors {
                errors: 0,
                words: 4
            }
        );
        // One substitution, one deletion, one insertion.
        let e = WordErrors::count("the cat sat on the mat", "the bat sat on mat today");
        assert_eq!(
            e,
            WordErrors {
                errors: 3,
                words: 6
            }
        );
        assert!((e.rate_percent() - 50.0).abs() < 1e-9);
        let total = e.plus(same);
        assert_eq!(
            total,
            WordErrors {
                errors: 3,
                words: 10
            }
        );
        assert_eq!(WordErrors::count("", "").rate_percent(), 0.0);
    }
}
