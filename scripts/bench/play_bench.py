"""Runs the player's playback pipeline (vidmsg-player bench-open) and mpv on one URL, RUNS times
each, alternating, and prints medians: process start -> first frame (open), and the extra time
of opening at a later second (seek). With BENCH_DISPLAY (an X display), SERVER, TOKEN and
MESSAGE_ID set, it also times the real windows: the player app opening the message (`--open`,
its report line gives the time from process start to the first frame drawn in the window) and
mpv with an X11 window (`--vo=x11 --frames=1`, process start to exit after the first frame).
Usage: play_bench.py URL PLAYER RUNS CLIP_SECONDS"""
import json, os, statistics, subprocess, sys, tempfile, time

url, player, runs, clip = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
seek_to = round(clip * 2 / 3, 1)

def wall(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return (time.perf_counter() - t) * 1000, out

ours = {"open": [], "seek_open": [], "inproc_open": [], "inproc_seek": []}
mpv = {"open": [], "seek_open": []}
mpv_base = ["mpv", "--no-config", "--really-quiet", "--vo=null", "--ao=null", "--frames=1", "--hr-seek=yes"]
for _ in range(runs):
    ms, out = wall([player, "bench-open", url])
    ours["open"].append(ms); ours["inproc_open"].append(json.loads(out)["first_frame_ms"])
    ms, out = wall([player, "bench-open", url, "--start", str(seek_to)])
    ours["seek_open"].append(ms); ours["inproc_seek"].append(json.loads(out)["seek_ms"])
    mpv["open"].append(wall(mpv_base + [url])[0])
    mpv["seek_open"].append(wall(mpv_base + [f"--start={seek_to}", url])[0])

med = statistics.median
o_open, m_open = med(ours["open"]), med(mpv["open"])
o_seek, m_seek = med(ours["seek_open"]) - o_open, med(mpv["seek_open"]) - m_open
print(f"{clip:.0f} s 1080p30 vidmsg recording on vidmsg's embedded S3 (HTTP Range), {runs} runs each, medians")
print("| player | process start -> first frame ms | vs vidmsg | extra for opening at %.0f s (seek) ms | vs vidmsg |" % seek_to)
print("|---|---|---|---|---|")
print(f"| vidmsg-player playback (playbin -> RGBA appsink) | {o_open:.0f} | 1.00x | {o_seek:.0f} | 1.00x |")
ratio = f"{m_seek / o_seek:.2f}x" if o_seek > 0 and m_seek > 0 else "n/a (within noise)"
print(f"| mpv 0.35 (--vo=null --frames=1, hr-seek) | {m_open:.0f} | {m_open / o_open:.2f}x | {m_seek:.0f} | {ratio} |")
print(f"in-process (vidmsg only): open -> first frame {med(ours['inproc_open']):.0f} ms, "
      f"seek -> first frame at the new second {med(ours['inproc_seek']):.0f} ms")

display = os.environ.get("BENCH_DISPLAY")
if display:
    env = dict(os.environ, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    cfg = tempfile.mkdtemp()
    app, mpv_win = [], []
    for i in range(runs):
        env["VIDMSG_PLAYER_CONFIG"] = os.path.join(cfg, f"p{i}.json")
        p = subprocess.Popen([player, "--server", os.environ["SERVER"], "--token", os.environ["TOKEN"],
                              "--open", os.environ["MESSAGE_ID"], "--report", "--audio-sink", "fakesink"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            for line in p.stderr:
                try:
                    v = json.loads(line)
                except ValueError:
                    continue
                if v.get("first_frame_since_start_ms"):
                    app.append(v["first_frame_since_start_ms"])
                    break
        finally:
            p.kill(); p.wait()
        t = time.perf_counter()
        subprocess.run(["mpv", "--no-config", "--really-quiet", "--vo=x11", "--ao=null", "--frames=1", url],
                       env=env, check=True, capture_output=True)
        mpv_win.append((time.perf_counter() - t) * 1000)
    a, m = med(app), med(mpv_win)
    print()
    print("| with a window (Xvfb) | process start -> first frame on screen ms | vs vidmsg |")
    print("|---|---|---|")
    print(f"| vidmsg-player app (`--open ID`: sign-in check, message fetch, playback, egui/glow) | {a:.0f} | 1.00x |")
    print(f"| mpv 0.35 (`--vo=x11 --frames=1`, to exit) | {m:.0f} | {m / a:.2f}x |")
