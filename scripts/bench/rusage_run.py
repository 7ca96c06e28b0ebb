"""Runs a command, then prints its CPU seconds (user + system, children included) and peak RSS
as one JSON line on stdout; the command's own stdout goes to the file named by argv[1]."""
import json
import resource
import subprocess
import sys
import time

out_path, cmd = sys.argv[1], sys.argv[2:]
t0 = time.time()
with open(out_path, "wb") as out:
    rc = subprocess.call(cmd, stdout=out, stderr=subprocess.DEVNULL)
wall = time.time() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_kib": ru.ru_maxrss}))
