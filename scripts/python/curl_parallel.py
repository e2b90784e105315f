#!/usr/bin/env python3
"""curl_parallel.py: curl --parallel, the reference client on the io chart.

Not a course program: the yardstick. One curl process downloads every
file of the index with --parallel --parallel-max N (N transfers in flight
on its one thread, as concbench's eventloop at --workers N), from a
config file of url/output pairs written before the clock starts. The time
is curl's whole process, start-up included; the files are then checked
against their sizes and checksums like every other contender's.

  curl_parallel.py --workers 50 --url http://127.0.0.1:PORT/index.json --out DIR
"""
import os
import shutil
import subprocess

import harness


def curl_version():
    """curl's version: CB_CURL_VERSION when the bench asked it already (once,
    untimed: `curl --version` looks this host's name up through OpenLDAP,
    seconds where no DNS server answers), else `curl --version`."""
    known = os.environ.get("CB_CURL_VERSION")
    if known:
        if shutil.which("curl") is None:
            harness.fail("curl is missing (make deps installs it)")
        return known
    try:
        out = subprocess.run(["curl", "--version"], capture_output=True, text=True, check=True)
        return out.stdout.split()[1]
    except (OSError, subprocess.CalledProcessError, IndexError):
        harness.fail("curl is missing (make deps installs it)")


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run():
    args = harness.options("curl_parallel.py", __doc__, io=True)
    version = curl_version()
    index = harness.get_links(args)
    links = index[1]
    os.makedirs(args.out, exist_ok=True)
    cfg = os.path.join(args.out, ".curl-config")
    with open(cfg, "w") as f:
        for e in links:
            f.write(f"url = {quote(e['link'])}\n"
                    f"output = {quote(os.path.join(args.out, harness.file_name(e['link'])))}\n")
    # --write-out prints each transfer's time when it ends: the latencies.
    cmd = ["curl", "--silent", "--show-error", "--no-progress-meter", "--fail",
           "--write-out", "%{time_total}\\n", "--parallel", "--parallel-immediate",
           "--parallel-max", str(args.workers), "--max-time", str(args.timeout_ms / 1000),
           "--config", cfg]
    for name, value in harness.HEADERS.items():  # --header, on every transfer
        cmd[1:1] = ["--header", f"{name}: {value}"]
    t0 = harness.clock()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = harness.clock() - t0
    os.unlink(cfg)
    # curl reports per transfer only on stderr: a file that is not there
    # whole and right afterwards is a failed transfer (io_result counts it).
    times = []
    for line in done.stdout.split():
        try:
            times.append(float(line))
        except ValueError:
            pass
    outcomes = [(None, e.get("size", 0), None) for e in links]
    r = harness.io_result("curl-parallel", args, index, outcomes, wall,
                          limits="one curl process, one thread: --parallel-max N transfers in flight")
    r["latency_ms"] = harness.percentiles_ms(times)
    r["curl"] = version
    r["curl_exit"] = done.returncode
    if done.returncode != 0:
        r["verified"] = False
        if r["failed"] == 0:  # curl said a transfer failed: count it, whichever it was
            r["failed"], r["ok"] = 1, r["ok"] - 1
            r["errors"]["other"] += 1
        said = [ln for ln in done.stderr.splitlines() if ln.startswith("curl:")]
        r["detail"] += f"; curl exited {done.returncode}" + (f": {said[0]}" if said else "")
    harness.finish(r, args)


if __name__ == "__main__":
    harness.main(run)
