#!/usr/bin/env python3
"""perf.py: `make perf`, concbench against outside yardsticks, interleaved.

Each comparison runs its contenders in turn (A B A B ..., the starting one
alternating), ROUNDS times, after one warm-up each, and reports per
contender the median whole-process wall time and CPU (user + sys, from the
kernel's accounting of the reaped child), and the median of the per-round
ratios to the yardstick. Nothing is asserted: these are benchmarks, and the
figures are the output (perf.md and perf.json in the results folder).

Comparisons:
  scale-300, scale-500,   eventloop vs `curl --parallel --parallel-max N`,
  scale-1000              5000 files x 10 ms saved to a tmpfs. curl 7.88
                          runs at most 300 transfers at once whatever N
                          says (it opens 302 connections for N = 300, 500
                          or 1000; perf.py counts them), so 300 is the
                          like-for-like point and the others compare
                          concbench at N against curl at 300
  bound-50, bound-1000    eventloop and threads against the latency bound
                          (in-process wall / bound): 500 x 50 ms at 50 in
                          flight, 5000 x 50 ms at 1000 in flight; each with
                          the server and the client sharing the cores, and
                          with the server on a core of its own (taskset)
  save-ext4               threads at 500 workers, 5000 x 10 ms, saved to
                          the disk the checkout is on vs to a tmpfs
  sum-bandwidth           concbench's bandwidth probe and the memory-bound
                          sum at 1 and 2 threads against an independent
                          probe (scripts/bwprobe.c, compiled here)
  server-static           the fixture server vs nginx, as many event loops
                          as nginx has workers (1, then one per core):
                          `wrk -t1 -c50 -d5s` on a static file, requests a
                          second
  server-delay            the same at 1000 connections x 100 ms (nginx's
                          echo module sleeps), against the ideal 10000/s
  server-cpu              the fixture server's CPU per request when the
                          client is the event loop vs the threads pool
"""
import argparse
import json
import os
import re
import resource
import socket
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Server:
    """A `concbench serve` of our own, on a free port, stopped on exit."""

    def __init__(self, binary, files, delay_ms, threads=1, cpus=None):
        self.proc = subprocess.Popen(
            pinned(cpus, [binary, "serve", "--port", "0", "--files", str(files), "--delay-ms", str(delay_ms),
                          "--threads", str(threads)]),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on "):
            raise SystemExit("perf: the fixture server did not start")
        self.url = line.split()[-1]
        with urllib.request.urlopen(self.url + "/index.json", timeout=30) as r:
            self.index = json.load(r)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def pinned(cpus, cmd):
    """cmd run on these CPUs only (taskset execs it: same pid, same rusage)."""
    return ["taskset", "-c", ",".join(map(str, sorted(cpus))), *cmd] if cpus else cmd


def placements():
    """Where the bound runs put the server and the client: sharing every
    core (the scheduler places them), then, given two cores or more, the
    server on one and the client on the others, as if the server were
    another machine."""
    cpus = sorted(os.sched_getaffinity(0))
    out = [("shared cores", None, None)]
    if len(cpus) >= 2:
        out.append(("server on cpu %d, client on %s" % (cpus[0], ",".join(map(str, cpus[1:]))),
                    {cpus[0]}, set(cpus[1:])))
    return out


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_once(cmd, clean=None):
    """Run cmd; return (wall_s, cpu_s, stdout). clean() runs first, untimed."""
    if clean:
        clean()
    if callable(cmd):
        cmd = cmd()
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=raise_nofile)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0,):
        raise SystemExit("perf: %s exited %d" % (" ".join(cmd[:6]), p.returncode))
    return wall, ru.ru_utime + ru.ru_stime, out


def interleave(contenders, rounds, metric=None):
    """contenders: [(name, cmd, clean)]. Returns {name: [samples]} where a
    sample is (wall, cpu, value): value is metric(stdout) or the wall."""
    samples = {name: [] for name, _, _ in contenders}
    for name, cmd, clean in contenders:  # warm-up: caches, the server's first connections
        run_once(cmd, clean)
    for r in range(rounds):
        order = contenders if r % 2 == 0 else list(reversed(contenders))
        for name, cmd, clean in order:
            wall, cpu, out = run_once(cmd, clean)
            value = metric(out) if metric else wall
            samples[name].append((wall, cpu, value))
            log("  round %d %-28s wall %.3f s  cpu %.3f s  value %.4f" % (r + 1, name, wall, cpu, value))
    return samples


def summarise(title, samples, yardstick, unit, note=""):
    """A table row per contender: medians, and the median per-round ratio."""
    rows = []
    base = samples.get(yardstick)
    for name, ss in samples.items():
        ratios = [s[2] / b[2] for s, b in zip(ss, base)] if base else []
        rows.append({
            "contender": name,
            "value_median": statistics.median(s[2] for s in ss),
            "wall_median_s": statistics.median(s[0] for s in ss),
            "cpu_median_s": statistics.median(s[1] for s in ss),
            "ratio_median": statistics.median(ratios) if ratios else None,
            "samples": [{"wall_s": s[0], "cpu_s": s[1], "value": s[2]} for s in ss],
        })
    return {"title": title, "yardstick": yardstick, "unit": unit, "note": note, "rows": rows}


def fresh(path):
    def clean():
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
    return clean


def curl_config(server, out_dir, path):
    with open(path, "w") as f:
        for d in server.index["data"]:
            name = d["link"].rsplit("/", 1)[-1]
            f.write('url = "%s"\noutput = "%s/%s"\n' % (d["link"], out_dir, name))


def curl_connections(cfg, n, out_dir):
    """How many connections curl --parallel-max n really opens (strace)."""
    fresh(out_dir)()
    trace = out_dir + ".strace"
    subprocess.run(["strace", "-f", "-c", "-e", "trace=connect", "-o", trace, "curl", "-s", "--parallel",
                    "--parallel-immediate", "--parallel-max", str(n), "-K", cfg],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    with open(trace) as f:
        for line in f:
            if line.split()[-1:] == ["connect"]:
                return int(line.split()[3])
    return 0


def concbench_run(binary, strategy, workers, server, out, extra=()):
    return [binary, "run", "--workload", "io", "--strategy", strategy, "--workers", str(workers),
            "--url", server.url + "/index.json", "--out", out, "--json", *extra]


def json_field(field):
    return lambda out: json.loads(out)[field]


def bound_ratio(out):
    j = json.loads(out)
    return j["wall_s"] / j["bound_s"]


def wrk_rate(out):
    m = re.search(rb"Requests/sec:\s*([0-9.]+)", out)
    if not m:
        raise SystemExit("perf: no Requests/sec in wrk's output")
    return float(m.group(1))


NGINX_CONF = """
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
{user}worker_processes {workers};
daemon off;
master_process {master};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
worker_rlimit_nofile 8192;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 100000000;
    keepalive_timeout 120s;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {dir}/root;
        location /files/ {{ }}
        location /delay/ {{ echo_sleep 0.1; echo_exec /files/flag-000.bin; }}
    }}
}}
"""


class Nginx:
    """nginx from Debian with our own config, N workers (1: no master
    process), on a free port."""

    def __init__(self, binary, scratch, workers=1):
        self.dir = os.path.join(scratch, "nginx-%d" % workers)
        os.makedirs(self.dir)
        subprocess.run([binary, "serve", "--dump", os.path.join(self.dir, "root", "files")], check=True)
        self.port = free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            # Under a master run as root, workers would drop to nobody and
            # be refused our private scratch folder: they stay who we are.
            user = "user root;\n" if workers > 1 and os.geteuid() == 0 else ""
            f.write(NGINX_CONF.format(dir=self.dir, port=self.port, workers=workers, user=user,
                                      master="off" if workers == 1 else "on"))
        self.proc = subprocess.Popen(["nginx", "-c", conf, "-e", os.path.join(self.dir, "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     preexec_fn=raise_nofile)
        self.url = "http://127.0.0.1:%d" % self.port
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/files/flag-000.bin", timeout=1).read()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("perf: nginx did not start (see %s/error.log)" % self.dir)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def proc_cpu_s(pid):
    """User + system seconds of a running process, from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fs_type(path):
    r = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True)
    name = r.stdout.strip() or "unknown"
    return "ext4" if name == "ext2/ext3" else name  # one magic number for the three


def main():
    ap = argparse.ArgumentParser(description="make perf: concbench against outside yardsticks")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True, help="results folder to write perf.md/perf.json into")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--only", default="", help="comma-separated comparison names")
    ap.add_argument("--disk-dir", default=None, help="a folder on a disk for save-ext4")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    want = lambda name: not only or name in only

    os.makedirs(args.out, exist_ok=True)
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
    scratch = tempfile.mkdtemp(prefix="concbench-perf.", dir=shm)
    disk_root = args.disk_dir or os.path.join(os.path.dirname(os.path.abspath(args.out)), ".perf-disk")
    tables, servers = [], []
    try:
        if any(want(n) for n in ("scale-300", "scale-500", "scale-1000", "save-ext4")):
            s10 = Server(args.bin, 5000, 10)
            servers.append(s10)
            cfg = os.path.join(scratch, "curl.cfg")
            curl_config(s10, os.path.join(scratch, "curl"), cfg)
            for n in (300, 500, 1000):
                name = "scale-%d" % n
                if not want(name):
                    continue
                live = curl_connections(cfg, n, scratch + "/curl")
                log("%s: eventloop vs curl --parallel-max %d (%d connections), 5000 x 10 ms to %s"
                    % (name, n, live, fs_type(scratch)))
                samples = interleave([
                    ("concbench eventloop", concbench_run(args.bin, "eventloop", n, s10, scratch + "/el"),
                     fresh(scratch + "/el")),
                    ("curl --parallel", ["curl", "-s", "--parallel", "--parallel-immediate",
                                         "--parallel-max", str(n), "-K", cfg], fresh(scratch + "/curl")),
                ], args.rounds)
                tables.append(summarise(
                    "5000 files x 10 ms, %d in flight, saved to %s (whole process)" % (n, fs_type(scratch)),
                    samples, "curl --parallel", "s",
                    "curl --parallel-max %d opened %d connections (strace): at most that many transfers "
                    "at once; concbench's eventloop runs %d." % (n, live, n)))
            if want("save-ext4"):
                # Every run saves into a folder of its own, all removed at
                # the end: ext4 skips inodes freed in the last 30 s when it
                # allocates (recently_deleted()), so deleting 5000 files
                # between runs would make the next run scan past all of them.
                os.makedirs(disk_root, exist_ok=True)
                disk = tempfile.mkdtemp(prefix="concbench-perf.", dir=disk_root)
                count = [0]

                def unique(root):
                    def cmd():
                        count[0] += 1
                        return concbench_run(args.bin, "threads", 500, s10, "%s/%d" % (root, count[0]))
                    return cmd
                log("save-ext4: threads at 500 workers to %s vs %s" % (fs_type(disk), fs_type(scratch)))
                samples = interleave([
                    ("threads -> %s" % fs_type(disk), unique(disk), None),
                    ("threads -> %s" % fs_type(scratch), unique(scratch + "/t"), None),
                ], args.rounds, json_field("wall_s"))
                tables.append(summarise("5000 files x 10 ms, threads at 500 workers: the save path (in-process wall)",
                                        samples, "threads -> %s" % fs_type(scratch), "s"))
                shutil.rmtree(disk, ignore_errors=True)
        for files, workers in ((500, 50), (5000, 1000)):
            name = "bound-%d" % workers
            if not want(name):
                continue
            # One server per placement, both up for the whole comparison so
            # the placements interleave round by round like the strategies.
            contenders, where, mine = [], [], []
            for k, (place, server_cpus, client_cpus) in enumerate(placements()):
                srv = Server(args.bin, files, 50, cpus=server_cpus)
                servers.append(srv)
                mine.append(srv)
                where.append(place)
                for strategy in ("eventloop", "threads"):
                    out = "%s/b%d%s" % (scratch, k, strategy)
                    contenders.append(("%s, %s" % (strategy, place),
                                       pinned(client_cpus, concbench_run(args.bin, strategy, workers, srv, out)),
                                       fresh(out)))
            log("%s: %d files x 50 ms at %d in flight, against the bound (%s)"
                % (name, files, workers, "; ".join(where)))
            samples = interleave(contenders, args.rounds, bound_ratio)
            tables.append(summarise("%d files x 50 ms, %d in flight: in-process wall / latency bound" %
                                    (files, workers), samples, None, "x bound",
                                    "Each strategy with the server and the client sharing every core, and "
                                    "with the server on a core of its own (taskset)."
                                    if len(where) > 1 else ""))
            for srv in mine:
                srv.stop()
                servers.remove(srv)
        if want("sum-bandwidth"):
            # concbench's probe (`info --bandwidth`) and its sum kernel, each
            # against an independent probe (scripts/bwprobe.c, compiled here
            # with -O3 -march=native, sharing no code with concbench), all
            # three in every round; each round's figure is divided by that
            # round's independent probe: the machine's speed drifts (a
            # virtual machine's more than most), and a ratio of figures taken
            # minutes apart would measure the drift.
            log("sum-bandwidth: the probe and the sum kernel against an independent probe, every round")
            indep_bin = os.path.join(scratch, "bwprobe")
            subprocess.run(["cc", "-O3", "-march=native", "-pthread", "-o", indep_bin,
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), "bwprobe.c")],
                           check=True)
            n, passes = 1 << 25, 8  # 256 MiB of int64, as the probe, read 8 times a run
            cores = min(2, os.cpu_count() or 1)
            sums = {}
            for w in range(1, cores + 1):
                sums["sum, %d thread%s" % (w, "s" if w > 1 else "")] = (w, [
                    args.bin, "run", "--workload", "cpu", "--strategy", "threads" if w > 1 else "sequential",
                    "--workers", str(w), "--kernel", "sum", "--n", str(n), "--passes", str(passes), "--json"])
            probe = [args.bin, "info", "--bandwidth"]
            indep = [indep_bin, "256", str(cores), "7"]
            names = ["info --bandwidth, %d thread%s" % (w, "s" if w > 1 else "") for w in range(1, cores + 1)]
            samples = {name: [] for name in names + list(sums)}
            probes = []
            for r in range(args.rounds + 1):
                _, _, out = run_once(indep)
                ref = json.loads(out)
                pwall, pcpu, out = run_once(probe)
                bw = json.loads(out)["bandwidth"]
                order = list(sums) if r % 2 == 0 else list(reversed(list(sums)))
                for name in order:
                    w, cmd = sums[name]
                    wall, cpu, out = run_once(cmd)
                    j = json.loads(out)
                    gbps = j["params"]["n"] * 8 * j["params"]["passes"] / j["wall_s"] / 1e9
                    ceiling = ref["threads_%d_gbps" % w]
                    if r > 0:  # round 0 is the warm-up
                        samples[name].append((wall, cpu, gbps, ceiling))
                        log("  round %d %-24s %.1f GB/s, independent probe %.1f GB/s: %.3f"
                            % (r, name, gbps, ceiling, gbps / ceiling))
                if r > 0:
                    probes.append(ref)
                    for w, name in enumerate(names, 1):
                        samples[name].append((pwall, pcpu, bw["threads_%d_gbps" % w], ref["threads_%d_gbps" % w]))
                        log("  round %d %-24s %.1f GB/s, independent probe %.1f GB/s: %.3f"
                            % (r, name, bw["threads_%d_gbps" % w], ref["threads_%d_gbps" % w],
                               bw["threads_%d_gbps" % w] / ref["threads_%d_gbps" % w]))
            rows = []
            for name, ss in samples.items():
                rows.append({
                    "contender": name,
                    "value_median": statistics.median(x[2] for x in ss),
                    "wall_median_s": statistics.median(x[0] for x in ss),
                    "cpu_median_s": statistics.median(x[1] for x in ss),
                    "ceiling_median_gbps": statistics.median(x[3] for x in ss),
                    "ratio_median": statistics.median(x[2] / x[3] for x in ss),
                    "samples": [{"wall_s": x[0], "cpu_s": x[1], "gbps": x[2], "probe_gbps": x[3]} for x in ss],
                })
            tables.append({"title": "concbench's probe and its sum of %d int64 (256 MiB) x %d passes: GB/s "
                                    "against an independent probe in the same round (scripts/bwprobe.c, "
                                    "-O3 -march=native, best of 7, same thread count; targets: probe within "
                                    "10 %%, sequential sum >= 0.9)" % (n, passes),
                           "yardstick": None, "unit": "GB/s", "rows": rows,
                           "note": "independent probe medians: " + ", ".join(
                               "%d thread%s %.1f GB/s" % (w, "s" if w > 1 else "",
                                                           statistics.median(p["threads_%d_gbps" % w] for p in probes))
                               for w in range(1, cores + 1))})
        if want("server-static") or want("server-delay"):
            # One event loop against one nginx worker, then one of each per core.
            for n in sorted({1, os.cpu_count() or 1}):
                nginx = Nginx(args.bin, scratch, n)
                servers.append(nginx)
                ours, theirs = ("concbench serve --threads %d" % n,
                                "nginx, %d worker%s" % (n, "s" if n > 1 else ""))
                if want("server-static"):
                    plain = Server(args.bin, 194, 0, n)
                    servers.append(plain)
                    log("server-static: wrk -t1 -c50 -d5s, %s vs %s" % (ours, theirs))
                    wrk = ["wrk", "-t1", "-c50", "-d5s"]
                    samples = interleave([
                        (ours, wrk + [plain.url + "/files/flag-000.bin"], None),
                        (theirs, wrk + [nginx.url + "/files/flag-000.bin"], None),
                    ], args.rounds, wrk_rate)
                    tables.append(summarise("static file (19524 bytes), wrk -t1 -c50 -d5s, %d event "
                                            "loop%s: requests a second" % (n, "s" if n > 1 else ""),
                                            samples, theirs, "req/s"))
                if want("server-delay"):
                    slow = Server(args.bin, 194, 100, n)
                    servers.append(slow)
                    log("server-delay: wrk -t1 -c1000 -d5s, 100 ms a reply, %s vs %s" % (ours, theirs))
                    wrk = ["wrk", "-t1", "-c1000", "-d5s", "--timeout", "2s"]
                    ideal = 1000 / 0.1
                    samples = interleave([
                        (ours + " --delay-ms 100", wrk + [slow.url + "/files/flag-000.bin"], None),
                        (theirs + ", echo_sleep 0.1", wrk + [nginx.url + "/delay/x"], None),
                    ], args.rounds, lambda out: wrk_rate(out) / ideal)
                    tables.append(summarise("1000 connections x 100 ms, wrk -t1 -c1000 -d5s, %d event "
                                            "loop%s: share of the ideal 10000 requests a second"
                                            % (n, "s" if n > 1 else ""), samples,
                                            theirs + ", echo_sleep 0.1", "of ideal"))
        if want("server-cpu"):
            s10 = Server(args.bin, 5000, 10)
            servers.append(s10)
            log("server-cpu: the server's CPU per request, eventloop vs threads client")
            samples = {"eventloop client": [], "threads client": []}
            cmds = {name: concbench_run(args.bin, name.split()[0], 50, s10, scratch + "/c")
                    for name in samples}
            for r in range(args.rounds + 1):
                for name in (list(samples) if r % 2 == 0 else list(reversed(list(samples)))):
                    before = proc_cpu_s(s10.proc.pid)
                    wall, cpu, out = run_once(cmds[name], fresh(scratch + "/c"))
                    per_req = (proc_cpu_s(s10.proc.pid) - before) / 5001 * 1e6  # index + files
                    if r > 0:  # round 0 is the warm-up
                        samples[name].append((wall, cpu, per_req))
                        log("  round %d %-20s server %.2f us a request" % (r, name, per_req))
            tables.append(summarise("5000 files x 10 ms at 50 in flight: the server's CPU per request (us; "
                                    "/proc ticks, so coarse)", samples, "threads client", "us"))
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(disk_root, ignore_errors=True)

    with open(os.path.join(args.out, "perf.json"), "w") as f:
        json.dump({"rounds": args.rounds, "tables": tables}, f, indent=1)
    lines = ["# make perf", "",
             "Interleaved (A B A B ..., %d rounds after a warm-up each); medians; ratio = median of "
             "the per-round ratios." % args.rounds, ""]
    for t in tables:
        lines += ["## " + t["title"], ""]
        if t["note"]:
            lines += [t["note"], ""]
        lines += ["| contender | median (%s) | wall median (s) | cpu median (s) | ratio |" % t["unit"],
                  "|---|---:|---:|---:|---:|"]
        for r in t["rows"]:
            ratio = "%.3f" % r["ratio_median"] if r["ratio_median"] is not None else "—"
            lines.append("| %s | %.4f | %.3f | %.3f | %s |" % (r["contender"], r["value_median"],
                                                              r["wall_median_s"], r["cpu_median_s"], ratio))
        lines.append("")
    text = "\n".join(lines)
    with open(os.path.join(args.out, "perf.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
