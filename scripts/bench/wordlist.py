"""Writes bench/data/en-words.tsv: the 30,000 most frequent all-letter English words of wordfreq
(PyPI, 3.1.1, the "large" English list) with their frequency per billion words, for the search
benchmark's segment generator (bench/src/words.rs). Run once by hand, the output is committed:
    python3 -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq==3.1.1 && /tmp/wf/bin/python scripts/bench/wordlist.py
The data is wordfreq's, CC BY-SA 4.0: see the attribution in bench/data/README.md."""
import re
import sys

import wordfreq

COUNT = 30000
out_path = sys.argv[1] if len(sys.argv) > 1 else "bench/data/en-words.tsv"
rows = []
for w in wordfreq.top_n_list("en", 60000, wordlist="large"):
    if re.fullmatch(r"[a-z]+", w):
        f = wordfreq.word_frequency(w, "en", wordlist="large")
        rows.append((w, max(1, round(f * 1e9))))
    if len(rows) == COUNT:
        break
with open(out_path, "w") as out:
    for w, f in rows:
        out.write(f"{w}\t{f}\n")
