#!/usr/bin/env python3
"""report.py RUN_DIR: write RUN_DIR/REPORT.md, the lessons of one run.

For each lesson (I/O-bound, CPU-bound, GIL, the cost of synchronisation,
overheads) a few sentences computed from this run's results.json, with the
chart that shows it. Nothing is fixed text about outcomes: every figure is
read from the data, and every expectation is checked. When the data
contradicts a lesson, the report says so plainly instead of repeating it.

Standard library only.
"""

import json
import os
import sys


class Run:
    def __init__(self, path):
        with open(os.path.join(path, "results.json")) as f:
            doc = json.load(f)
        self.machine = doc["machine"]
        self.prm = self.machine["parameters"]
        self.points = doc["results"]
        self.cores = self.machine["cores"]

    def get(self, workload, kernel, strategy, workers=None, sync=None):
        """The point, or None. workers=None: sequential's single point."""
        if sync is None:
            sync = "local" if workload == "cpu" else "-"
        for p in self.points:
            if (p["workload"], p["kernel"], p["strategy"], p["sync"]) != (
                    workload, kernel, strategy, sync):
                continue
            if workers is None or p["workers"] == workers:
                if p.get("inproc"):
                    return p
        return None

    def series(self, workload, kernel, strategy, sync=None):
        if sync is None:
            sync = "local" if workload == "cpu" else "-"
        return [p for p in self.points
                if (p["workload"], p["kernel"], p["strategy"], p["sync"]) == (
                    workload, kernel, strategy, sync) and p.get("inproc")]

    def worker_counts(self, workload):
        return sorted({p["workers"] for p in self.points
                       if p["workload"] == workload and p["strategy"] != "sequential"})


def med(p):
    return p["inproc"]["median"]


def x(v):
    return f"{v:.2f}x"


def s(v):
    return f"{v:.3f} s" if v < 10 else f"{v:.1f} s"


def at_or_below(counts, target):
    fit = [w for w in counts if w <= target]
    return fit[-1] if fit else (counts[0] if counts else None)


def lesson_io(run):
    out = ["## 1. I/O-bound: waiting is free to overlap", ""]
    seq = run.get("io", "-", "sequential")
    if seq is None:
        return out + ["No sequential io point in this run: nothing to compare against.", ""]
    files = run.prm["files"]
    out.append(
        f"Sequential downloads took {s(med(seq))} for {files} files, {x(med(seq) / seq['bound_s'])} "
        f"its bound of files x delay = {s(seq['bound_s'])}: it pays every delay in turn.")
    # From 2 workers up (at 1, every strategy is sequential): how far does
    # each stay within 1.2x of the bound?
    tracked, far = {}, []
    for st in ("threads", "procs", "eventloop", "gil", "hybrid"):
        pts = [q for q in run.series("io", "-", st) if q["workers"] >= 2]
        if not pts:
            continue
        ok = [q for q in pts if med(q) / q["bound_s"] <= 1.2]
        if ok:
            tracked[st] = max(ok, key=lambda q: q["workers"])
        if min(med(q) / q["bound_s"] for q in pts) > 1.5:
            far.append(st)
    if tracked:
        ranked = sorted(tracked.items(), key=lambda kv: (-kv[1]["workers"],
                                                         med(kv[1]) / kv[1]["bound_s"]))
        parts = [f"{st} up to {q['workers']} ({x(med(q) / q['bound_s'])} there)"
                 for st, q in ranked]
        out.append(
            f"The concurrent strategies follow the latency bound ceil(files / workers) x delay "
            f"down, staying within 1.2x of it: {', '.join(parts)} workers.")
    fastest = min((q for st in ("threads", "procs", "eventloop", "gil", "hybrid")
                   for q in run.series("io", "-", st)), key=med, default=None)
    if fastest is not None:
        out.append(
            f"The fastest point, {fastest['strategy']} at {fastest['workers']} workers, was "
            f"{x(med(seq) / med(fastest))} faster than sequential ({s(med(fastest))}, bound "
            f"{s(fastest['bound_s'])}); with more workers the waits get short and the machine's "
            f"own costs show: two cores shared with the server, connection set-up, saving files.")
    if far:
        out.append(
            f"**The data disagrees for {', '.join(far)}:** never within 1.5x of the bound in this "
            f"run, so for {'it' if len(far) == 1 else 'them'} the lesson did not hold here.")
    return out + ["", "![I/O-bound wall time against workers](io.png)", ""]


def lesson_cpu(run):
    out = ["## 2. CPU-bound: only parallel threads help", ""]
    cores = run.cores
    speed = {}
    for st in ("threads", "procs", "eventloop", "gil"):
        p = run.get("cpu", "heavy", st, cores)
        if p is not None and "speedup" in p:
            speed[st] = p["speedup"]
    if "threads" not in speed:
        return out + ["No heavy-kernel points at the core count in this run.", ""]
    out.append(
        f"On the compute-bound heavy kernel with one worker per core ({cores}), threads ran "
        f"{x(speed['threads'])} faster than sequential"
        + (f" and processes {x(speed['procs'])}" if "procs" in speed else "")
        + f" (ideal {cores}x)"
        + (f"; the event loop {x(speed['eventloop'])}" if "eventloop" in speed else "")
        + (f" and threads under the GIL {x(speed['gil'])}" if "gil" in speed else "") + ".")
    top = max(run.worker_counts("cpu") or [cores])
    pt = run.get("cpu", "heavy", "threads", top)
    if pt is not None and top > cores:
        out.append(f"More threads than cores bought nothing: threads at {top} workers "
                   f"{x(pt['speedup'])}.")
    sm = [(st, run.get("cpu", "sum", st, cores)) for st in ("threads", "procs")]
    sm = [(st, p) for st, p in sm if p is not None and "speedup" in p]
    if sm:
        seq = run.get("cpu", "sum", "sequential")
        out.append(
            f"The memory-bound sum kernel takes only {s(med(seq))} sequentially; at {cores} workers "
            + " and ".join(f"{st} {x(p['speedup'])}" for st, p in sm)
            + ": with this little work per run, starting workers weighs as much as the work.")
    problems = []
    for st in ("threads", "procs"):
        if st in speed and speed[st] < 0.7 * cores:
            problems.append(f"{st} reached only {x(speed[st])} of an ideal {cores}x")
    for st in ("eventloop", "gil"):
        if st in speed and speed[st] > 1.2:
            problems.append(
                f"{st} measured {x(speed[st])}, but it runs one computation at a time and cannot "
                f"beat sequential: the machine's speed changed during the run (see the min-max "
                f"spread in summary.md)")
    if problems:
        out.append("**The data disagrees:** " + "; ".join(problems) + ".")
    return out + ["", "![CPU-bound speedup](cpu.png)", ""]


def lesson_gil(run):
    out = ["## 3. The GIL: same threads, one lock", ""]
    cores = run.cores
    g, t = run.get("cpu", "heavy", "gil", cores), run.get("cpu", "heavy", "threads", cores)
    if g is None or t is None:
        return out + ["No gil points at the core count in this run.", ""]
    stats = g.get("gil") or {}
    out.append(
        f"The same pool of {cores} threads on the heavy kernel ran {x(t['speedup'])} faster than "
        f"sequential without the lock and {x(g['speedup'])} with it. Under the lock, only one "
        f"thread computes at a time; the {cores} threads spent {s(stats.get('lock_wait_s') or 0)} "
        f"waiting for it and handed it over {stats.get('switches', 0):.0f} times "
        f"({stats.get('forced_drops', 0):.0f} forced by the "
        f"{stats.get('switch_interval_ms') or 0:g} ms switch interval).")
    common = [w for w in run.worker_counts("io")
              if run.get("io", "-", "gil", w) and run.get("io", "-", "threads", w)]
    ratio_io = None
    if common:
        w = max(common)
        gi, ti = run.get("io", "-", "gil", w), run.get("io", "-", "threads", w)
        ratio_io = med(gi) / med(ti)
        out.append(
            f"On downloads the lock is released around every transfer and file write, as CPython "
            f"does: at {w} workers the GIL pool took {x(ratio_io)} the time of plain threads "
            f"({s(med(gi))} against {s(med(ti))}). Threads help I/O-bound work with or without "
            f"a GIL; only GIL-free threads help CPU-bound work.")
    problems = []
    if g["speedup"] > 1.1:
        problems.append(f"GIL threads reached {x(g['speedup'])} on CPU work, more than 1.1x")
    if t["speedup"] < g["speedup"] * 1.3:
        problems.append("GIL-free threads were not clearly faster than GIL threads on CPU work")
    if ratio_io is not None and ratio_io > 1.2:
        problems.append(f"GIL threads took {x(ratio_io)} the time of plain threads on I/O")
    if problems:
        out.append("**The data disagrees:** " + "; ".join(problems) + ".")
    return out + ["", "![Threads with and without a GIL](gil.png)", ""]


def lesson_sync(run):
    out = ["## 4. Synchronisation: what a shared total costs", ""]
    counts = sorted({p["workers"] for p in run.points if p["kernel"] == "sync"})
    w = at_or_below([c for c in counts if c >= 2] or counts, run.cores)
    if w is None:
        return out + ["No sync points in this run.", ""]
    p = {m: run.get("cpu", "sync", "threads", w, m) for m in ("local", "atomic", "mutex", "none")}
    if p["local"] is None:
        return out + ["No local-sum point to compare against.", ""]
    bits = [f"{m} {x(med(q) / med(p['local']))}" for m, q in p.items()
            if q is not None and m in ("atomic", "mutex")]
    out.append(
        f"With {w} threads adding every element of n = {run.prm['sync_n']} to one shared total, "
        f"the run took, against per-task sums merged at the end ({s(med(p['local']))}): "
        + ", ".join(bits) + " the time. The shared total is one cache line that every add "
        "must own in turn; the per-task sums share nothing.")
    none = p["none"]
    if none is not None:
        wrong, runs = none.get("wrong_sums", 0), none["runs"]
        if w >= 2 and wrong > 0:
            out.append(
                f"Without synchronisation (`--sync none`, the bug of the Python notebook's "
                f"`total += x`) the sum was wrong in {wrong} of {runs} runs: load, add and store "
                f"are three steps, and two threads interleaving them lose each other's updates.")
        elif w >= 2:
            out.append(f"**The data disagrees:** the unsynchronised total came out right in all "
                       f"{runs} runs at {w} threads; no lost update happened in this run.")
    one = run.get("cpu", "sync", "threads", 1, "none")
    if one is not None and one.get("wrong_sums", 0) == 0:
        out.append("With one thread the same unsynchronised code is always right: a race needs "
                   "two.")
    return out + ["", "![The cost of synchronisation](sync.png)", ""]


def lesson_overheads(run):
    out = ["## 5. Overheads: fork, thread, event loop", ""]
    seq = run.get("cpu", "sum", "sequential")
    if seq is not None and seq.get("median") is not None:
        out.append(
            f"hyperfine's whole-process clock includes what the in-process clock leaves out: for "
            f"the sum kernel, {s(seq['median'] - med(seq))} of start-up and materialising the "
            f"array around {s(med(seq))} of summing.")
    cores = run.cores
    t, pr = run.get("cpu", "sum", "threads", cores), run.get("cpu", "sum", "procs", cores)
    if t and pr:
        out.append(
            f"On that small job at {cores} workers, processes took {s(med(pr))} against threads' "
            f"{s(med(t))}: each forked worker maps the parent's memory copy-on-write, and pays "
            f"for it.")
    wb = at_or_below(run.worker_counts("io"), run.prm["bar_workers"])
    cost = {st: run.get("io", "-", st, wb) for st in ("threads", "procs", "eventloop")}
    if all(cost.values()):
        out.append(
            f"Downloading at {wb} workers, peak memory was "
            + ", ".join(f"{st} {cost[st]['max_rss_kb'] / 1024:.0f} MiB" for st in cost)
            + " and CPU time (user + sys) "
            + ", ".join(f"{st} {cost[st]['user_s'] + cost[st]['sys_s']:.3f} s" for st in cost)
            + ": a process per worker costs the most, one thread and an event loop the least.")
    out += ["", "![CPU time and peak memory](cost.png)", ""]

    wm = max(run.prm.get("mixed_workers") or [0])
    hy = run.get("mixed", "-", "hybrid", wm)
    others = [run.get("mixed", "-", st, wm) for st in ("threads", "procs", "eventloop", "gil")]
    others = [p for p in others if p is not None]
    sq = run.get("mixed", "-", "sequential")
    if hy and others:
        best = min(others, key=med)
        if med(hy) < med(best):
            out.append(
                f"On the mixed workload (download, then {run.prm['mixed_work']} rounds of work per "
                f"word) at {wm} workers, hybrid — an event loop for the transfers, a thread per "
                f"core for the work — took {s(med(hy))}, {x(med(best) / med(hy))} faster than the "
                f"best single model ({best['strategy']}, {s(med(best))})"
                + (f" and {x(med(sq) / med(hy))} faster than sequential" if sq else "") + ".")
        else:
            out.append(
                f"**The data disagrees:** on the mixed workload at {wm} workers hybrid took "
                f"{s(med(hy))} and did not beat {best['strategy']} ({s(med(best))}).")
        el = run.get("mixed", "-", "eventloop", wm)
        if el:
            out.append(f"The plain event loop took {s(med(el))}: its one thread must also do "
                       f"the transform, and no transfer progresses while it does.")
        out += ["", "![Mixed workload](mixed.png)", ""]
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RUN_DIR")
    run = Run(sys.argv[1])
    m = run.machine
    lines = [
        "# What this run shows",
        "",
        f"{m['date']}: {m['cpu_model']}, {m['cores']} cores, {m['kernel']}; {m['compiler']} "
        f"`{m['cflags'].strip()}`; libcurl {m['libcurl']}. Medians of {run.prm['runs']} runs "
        f"(in-process clock) after {run.prm['warmup']} warm-up; every sentence below is computed "
        f"from this folder's results.json. Tables: [summary.md](summary.md).",
        "",
    ]
    for lesson in (lesson_io, lesson_cpu, lesson_gil, lesson_sync, lesson_overheads):
        lines += lesson(run)
    path = os.path.join(sys.argv[1], "REPORT.md")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(lines))
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
