"""Builds the real-speech test set (people reading, not text-to-speech) from Debian packages,
for the accuracy test (tests/tests/e2e/accuracy.rs) and scripts/bench-accuracy. Sources and
licences: tests/speech/README.md. The packages are pinned to a version and a SHA-256; the clips
become audio-only MP4 (AAC, 16 kHz mono), the format the worker decodes, with a manifest:

    DEST/clips/NAME.m4a
    DEST/manifest.tsv      name <TAB> seconds <TAB> speaker <TAB> exact transcript

    python3 scripts/bench/speech_set.py ~/.cache/vidmsg/speech
"""
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import wave

PACKAGES = [
    # (package, version, sha256 of the .deb)
    ("pocketsphinx-testdata", "0.8+5prealpha+1-15",
     "eaeb7a01d54f20b799d1a81ef110ec544b2cb47ea006614078220737a33019f0"),
    ("asterisk-core-sounds-en-wav", "1.6.1-1",
     "2be3ea287d83299d143815fa804f11179a75b7affd4a758b98b55f5afc18a35d"),
    ("asterisk-core-sounds-en", "1.6.1-1",
     "973e797d28e37fa6ca3c0a9d6fa717e77cf1268ae916bf09fd3503113cdffa50"),
]
PS = "usr/share/pocketsphinx/test/data"
ALLISON = "usr/share/asterisk/sounds/en_US_f_Allison"
PROMPTS = "usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz"
# Every 4th usable prompt (at least 8 words, 2-15 s, no [annotation]): about 28 clips, 140 s.
PROMPT_STRIDE = 4


def fetch(tmp, packages=PACKAGES):
    """Downloads the pinned packages (name, version, SHA-256) and unpacks them under tmp/root."""
    os.chmod(tmp, 0o755)  # apt-get download drops root to _apt when it can
    root = os.path.join(tmp, "root")
    for name, version, sha in packages:
        download = ["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", f"{name}={version}"]
        if subprocess.run(download, cwd=tmp, stdout=subprocess.DEVNULL).returncode != 0:
            # No package lists yet (scripts/setup only updates them when it installs something).
            subprocess.run(["apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=600"], check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run(download, cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        deb = [f for f in os.listdir(tmp) if f.startswith(name + "_") and f.endswith(".deb")][0]
        got = hashlib.sha256(open(os.path.join(tmp, deb), "rb").read()).hexdigest()
        if got != sha:
            sys.exit(f"{deb}: SHA-256 {got}, expected {sha}")
        subprocess.run(["dpkg-deb", "-x", os.path.join(tmp, deb), root], check=True)
    return root


def sphinx_transcription(path):
    """(utterance id, text) of each `<s> words </s> (id)` line."""
    for line in open(path):
        text, utt = line.rsplit("(", 1)
        yield utt.strip().rstrip(")"), text.replace("<s>", "").replace("</s>", "").strip()


def pocketsphinx_clips(root):
    """LibriVox (Sense and Sensibility, ch. 1) utterances, the 'cards' and 'go forward' clips."""
    d = os.path.join(root, PS)
    out = []
    for utt, text in sphinx_transcription(os.path.join(d, "librivox/transcription")):
        out.append((f"librivox-{utt.split('-')[-1]}", os.path.join(d, "librivox", utt + ".wav"),
                    "librivox", text))
    for utt, text in sphinx_transcription(os.path.join(d, "cards/cards.transcription")):
        out.append((f"cards-{utt}", os.path.join(d, "cards", utt + ".wav"), "cmu-cards", text))
    out.append(("goforward", os.path.join(d, "goforward.raw"), "cmu-goforward", "go forward ten meters"))
    return out


def asterisk_clips(root):
    texts = {}
    for line in gzip.open(os.path.join(root, PROMPTS), "rt", encoding="utf-8", errors="replace"):
        if line.startswith(";") or ":" not in line:
            continue
        key, text = line.split(":", 1)
        texts[key.strip()] = text.strip()
    usable = []
    for key in sorted(texts):
        path = os.path.join(root, ALLISON, key + ".wav")
        text = texts[key]
        if not os.path.exists(path) or "[" in text or "<" in text or len(text.split()) < 8:
            continue
        with wave.open(path) as w:
            secs = w.getnframes() / w.getframerate()
        if 2 <= secs <= 15:
            usable.append((f"allison-{key.replace('/', '-')}", path, "asterisk-allison", text))
    return usable[::PROMPT_STRIDE]


def to_m4a(src, dst):
    """16 kHz mono AAC in MP4 (sox reads WAV and the headerless 16 kHz raw files)."""
    wav = dst + ".wav"
    if src.endswith(".raw"):
        cmd = ["sox", "-t", "raw", "-r", "16000", "-e", "signed", "-b", "16", "-c", "1", src]
    else:
        cmd = ["sox", src]
    subprocess.run(cmd + ["-r", "16000", "-c", "1", "-b", "16", wav], check=True)
    subprocess.run(["gst-launch-1.0", "-q", "filesrc", f"location={wav}", "!", "wavparse", "!",
                    "audioconvert", "!", "avenc_aac", "bitrate=96000", "!", "aacparse", "!", "mp4mux",
                    "!", "filesink", f"location={dst}"], check=True)
    with wave.open(wav) as w:
        secs = w.getnframes() / w.getframerate()
    os.remove(wav)
    return secs


def main(dest):
    with tempfile.TemporaryDirectory() as tmp:
        root = fetch(tmp)
        staging = os.path.join(tmp, "speech")
        os.makedirs(os.path.join(staging, "clips"))
        rows = []
        for name, src, speaker, text in pocketsphinx_clips(root) + asterisk_clips(root):
            secs = to_m4a(src, os.path.join(staging, "clips", name + ".m4a"))
            rows.append(f"{name}\t{secs:.2f}\t{speaker}\t{' '.join(text.split())}\n")
        with open(os.path.join(staging, "manifest.tsv"), "w") as f:
            f.writelines(rows)
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
        shutil.move(staging, dest)
    print(f"speech_set: {len(rows)} clips in {dest}")


if __name__ == "__main__":
    main(sys.argv[1])
