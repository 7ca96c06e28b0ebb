"""Times a vidmsg share page in headless Chromium beside the same MP4 opened directly, RUNS
times each, alternating, each run in a fresh browser (new chromedriver session, new profile,
cache disabled), and prints medians. Driven over chromedriver's WebDriver HTTP API (stdlib only).
A script added through the DevTools protocol before any page script (Page.addScriptToEvaluate-
OnNewDocument, so the page's Content-Security-Policy does not apply to it) watches the document's
first <video>: requestVideoFrameCallback gives the time its first frame is presented (fallback:
the `playing` event once currentTime > 0); all times are on the document's performance clock,
whose 0 is the navigation start. The share page does not autoplay (preload="metadata"), so the
script calls video.play() at DOMContentLoaded; Chromium's own media document autoplays.
Usage: share_bench.py SERVER TOKEN MESSAGE_ID SHARE_URL RUNS CLIP_SECONDS"""
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

server, token, message_id, share_url = sys.argv[1:5]
runs, clip = int(sys.argv[5]), float(sys.argv[6])

PROBE = r"""
(() => {
  const b = window.__bench = {frame: null, playing: null, scripted_play: false, rvfc: false, play_at: null, meta: null};
  const watch = (v) => {
    if (v.__benchWatched) return; v.__benchWatched = true;
    if ('requestVideoFrameCallback' in v) {
      b.rvfc = true;
      v.requestVideoFrameCallback((now, m) => { if (b.frame === null) b.frame = m.presentationTime || now; });
    }
    const onTime = () => {
      if (v.currentTime > 0 && b.playing === null) b.playing = performance.now();
      if (!b.rvfc && b.playing !== null && b.frame === null) b.frame = b.playing;
    };
    v.addEventListener('loadedmetadata', () => { if (b.meta === null) b.meta = performance.now(); });
    v.addEventListener('playing', onTime); v.addEventListener('timeupdate', onTime);
  };
  document.addEventListener('loadstart', (e) => { if (e.target instanceof HTMLVideoElement) watch(e.target); }, true);
  document.addEventListener('DOMContentLoaded', () => {
    const v = document.querySelector('video'); if (!v) return; watch(v);
    if (v.paused && !v.autoplay) { b.scripted_play = true; b.play_at = performance.now(); v.play().catch(() => {}); }
  });
})();
"""

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def call(base, method, path, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"null").get("value")

def api(path):
    req = urllib.request.Request(server + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())

def measure(url):
    """One fresh headless Chromium: navigate to url, wait for the first frame, read the clocks."""
    port, profile = free_port(), tempfile.mkdtemp()
    drv = subprocess.Popen(["chromedriver", f"--port={port}", "--allowed-ips=127.0.0.1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close(); break
            except OSError:
                time.sleep(0.05)
        args = ["--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--no-first-run",
                "--window-size=1280,900", "--disk-cache-size=1", f"--user-data-dir={profile}"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}}
        sid = call(base, "POST", "/session", caps)["sessionId"]
        s = f"/session/{sid}"
        try:
            cdp = lambda cmd, params: call(base, "POST", f"{s}/goog/cdp/execute", {"cmd": cmd, "params": params})
            cdp("Network.enable", {}); cdp("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
            call(base, "POST", f"{s}/url", {"url": url})
            deadline = time.time() + 30
            while True:
                v = call(base, "POST", f"{s}/execute/sync", {"script": """
                    const n = performance.getEntriesByType('navigation')[0] || {};
                    return {b: window.__bench || null, ttfb: n.responseStart, dcl: n.domContentLoadedEventEnd};""",
                    "args": []})
                if v["b"] and v["b"]["frame"] is not None:
                    return v
                if time.time() > deadline:
                    raise RuntimeError(f"no first frame within 30 s on {url}: {v}")
                time.sleep(0.05)
        finally:
            try: call(base, "DELETE", s, timeout=15)
            except Exception: pass
    finally:
        drv.kill(); drv.wait(); shutil.rmtree(profile, ignore_errors=True)

page, direct = [], []
for _ in range(runs):
    page.append(measure(share_url))
    direct.append(measure(api(f"/api/messages/{message_id}")["video_url"]))

html = len(urllib.request.urlopen(share_url, timeout=30).read())
med = statistics.median
col = lambda rs, k: med(r[k] for r in rs)
frame = lambda rs: med(r["b"]["frame"] for r in rs)
pf, df = frame(page), frame(direct)
how = "requestVideoFrameCallback" if page[0]["b"]["rvfc"] and direct[0]["b"]["rvfc"] else "playing + currentTime > 0"
scripted = "video.play() at DOMContentLoaded" if any(r["b"]["scripted_play"] for r in page) else "autoplay"
print(f"{clip:.0f} s 1080p30 vidmsg recording, Chromium {subprocess.run(['chromium', '--version'], capture_output=True, text=True).stdout.split()[1]} headless, "
      f"fresh profile + cache off each run, {runs} runs each alternating, medians; first frame by {how}")
print("| opened in Chromium | navigation start → first byte ms | → DOMContentLoaded ms | → first video frame ms | vs direct MP4 |")
print("|---|---|---|---|---|")
print(f"| share page `/v/{{id}}?k=…` (signed out; {scripted}; {html} B of HTML) | {col(page, 'ttfb'):.0f} | {col(page, 'dcl'):.0f} | {pf:.0f} | {pf / df:.2f}x |")
print(f"| the same MP4, presigned URL (Chromium's media document, autoplays) | {col(direct, 'ttfb'):.0f} | {col(direct, 'dcl'):.0f} | {df:.0f} | 1.00x |")
meta = lambda rs: med(r["b"]["meta"] for r in rs if r["b"]["meta"] is not None)
print(f"page: video.play() called at {med(r['b']['play_at'] for r in page):.0f} ms; loadedmetadata at "
      f"{meta(page):.0f} ms (page) and {meta(direct):.0f} ms (direct)")
print("per run, first frame ms: page " + " ".join(f"{r['b']['frame']:.0f}" for r in page)
      + "; direct " + " ".join(f"{r['b']['frame']:.0f}" for r in direct))
