//! The search mix: what people type, spread over the index's shapes. Expected hits at 1 M
//! segments of the generator's text (8–20 words each) are from the word list's frequencies.

/// One query of the mix.
#[derive(Debug, Clone, Copy)]
pub struct MixQuery {
    /// What the row is called in the table.
    pub label: &'static str,
    /// The user's query text (the API's `q`).
    pub q: &'static str,
}

/// Common word (~27,000 segments), rare word (~14), two words (a few), a phrase with the most
/// common English word (~500), a prefix (~2,000: computer, computing, computation…).
pub const MIX: [MixQuery; 5] = [
    MixQuery {
        label: "common word",
        q: "people",
    },
    MixQuery {
        label: "rare word",
        q: "zucchini",
    },
    MixQuery {
        label: "two words",
        q: "budget meeting",
    },
    MixQuery {
        label: "phrase",
        q: "\"the same\"",
    },
    MixQuery {
        label: "prefix",
        q: "comput*",
    },
];
