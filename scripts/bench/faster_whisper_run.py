"""Peer side of scripts/bench-transcribe: faster-whisper on the same CTranslate2 weights.

Prints one JSON line: wall seconds of transcription (model load excluded), audio seconds,
segments, peak RSS. Same settings as our worker: greedy, English, no VAD, one thread; with a
fifth argument `words`, word timestamps too (our worker always makes them: search hits seek to
the word).
"""
import json
import resource
import sys
import time

from faster_whisper import WhisperModel

model_dir, audio, compute_type, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
words = len(sys.argv) > 5 and sys.argv[5] == "words"
model = WhisperModel(model_dir, device="cpu", compute_type=compute_type, cpu_threads=threads)
t0 = time.time()
segments, info = model.transcribe(audio, beam_size=1, language="en", vad_filter=False, condition_on_previous_text=False, word_timestamps=words)
texts = [s.text for s in segments]
elapsed = time.time() - t0
print(json.dumps({
    "transcribe_s": elapsed,
    "audio_s": info.duration,
    "segments": len(texts),
    "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "text": " ".join(texts),
}))
