"""Peer side of the accuracy test and scripts/bench-accuracy: faster-whisper on every clip of
the real-speech set, the model loaded once, with our worker's settings (greedy, English, no VAD,
no conditioning on earlier text). One JSON line per clip: name, text, transcribe seconds.

    python faster_whisper_set.py CT2_DIR SPEECH_DIR COMPUTE_TYPE THREADS
"""
import json
import os
import sys
import time

from faster_whisper import WhisperModel

model_dir, speech, compute_type, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
model = WhisperModel(model_dir, device="cpu", compute_type=compute_type, cpu_threads=threads)
for line in open(os.path.join(speech, "manifest.tsv")):
    name = line.split("\t", 1)[0]
    t0 = time.time()
    segments, _ = model.transcribe(os.path.join(speech, "clips", name + ".m4a"), beam_size=1,
                                   language="en", vad_filter=False,
                                   condition_on_previous_text=False)
    text = " ".join(s.text.strip() for s in segments)
    print(json.dumps({"name": name, "text": text, "transcribe_s": time.time() - t0}), flush=True)
