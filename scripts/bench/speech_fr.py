"""Builds the French real-speech set (a person reading, not text-to-speech) for the language
tests (tests/tests/e2e/languages.rs): a few phone prompts of Asterisk's French core sounds, read by
June Wallack, with their written transcripts. Sources and licences: tests/speech/README.md. The
packages are pinned to a version and a SHA-256; the prompts become 16 kHz mono WAV files, which
the test joins into one clip, with a manifest:

    DEST/clips/NAME.wav
    DEST/manifest.tsv      name <TAB> seconds <TAB> speaker <TAB> exact transcript

    python3 scripts/bench/speech_fr.py ~/.cache/vidmsg/speech-fr
"""
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import wave

import speech_set  # the English set's pinned-package download (same folder)

PACKAGES = [
    # (package, version, sha256 of the .deb)
    ("asterisk-core-sounds-fr-wav", "1.6.1-1",
     "8d4e1bc32ed5ba7fbda40841ca1825ed20cc6232724a473c90f8bb0e53e6073e"),
    ("asterisk-core-sounds-fr", "1.6.1-1",
     "04c82c78c570c43a7136cbc5e2488d0c470b775468dff9fbce4a131b18cf1056"),
]
JUNE = "usr/share/asterisk/sounds/fr_CA_f_June"
PROMPTS = "usr/share/doc/asterisk-core-sounds-fr/core-sounds-fr.txt.gz"
# Whole sentences of ordinary words (no digits, no single words), about 25 s in all.
CHOSEN = [
    "queue-periodic-announce",
    "conf-placeintoconf",
    "conf-unmuted",
    "ss-noservice",
    "conf-onlyperson",
    "pls-hold-while-try",
]


def fetch(tmp):
    return speech_set.fetch(tmp, PACKAGES)


def transcripts(root):
    texts = {}
    for line in gzip.open(os.path.join(root, PROMPTS), "rt", encoding="utf-8", errors="replace"):
        if line.startswith(";") or ":" not in line:
            continue
        key, text = line.split(":", 1)
        texts[key.strip()] = " ".join(text.split())
    return texts


def main(dest):
    with tempfile.TemporaryDirectory() as tmp:
        root = fetch(tmp)
        texts = transcripts(root)
        staging = os.path.join(tmp, "speech-fr")
        os.makedirs(os.path.join(staging, "clips"))
        rows = []
        for name in CHOSEN:
            wav = os.path.join(staging, "clips", name + ".wav")
            # 8 kHz phone prompts, resampled to what the worker decodes to.
            subprocess.run(["sox", os.path.join(root, JUNE, name + ".wav"),
                            "-r", "16000", "-c", "1", "-b", "16", wav], check=True)
            with wave.open(wav) as w:
                secs = w.getnframes() / w.getframerate()
            rows.append(f"{name}\t{secs:.2f}\tasterisk-june\t{texts[name]}\n")
        with open(os.path.join(staging, "manifest.tsv"), "w", encoding="utf-8") as f:
            f.writelines(rows)
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
        shutil.move(staging, dest)
    print(f"speech_fr: {len(rows)} prompts in {dest}")


if __name__ == "__main__":
    main(sys.argv[1])
