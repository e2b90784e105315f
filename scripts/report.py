#!/usr/bin/env python3
"""report.py RUN_DIR: write RUN_DIR/REPORT.md, the lessons of one run.

First the lessons table, from lessons.json (`concbench lesson all`): each
claim of the course with its verdict, decided by its own interleaved
rounds; a contradicted one is named in bold at the top. Then the whole
matrix, series by series (I/O-bound, CPU-bound, the GIL, the cost of
synchronisation, overheads): a few sentences computed from this run's
results.json, with the chart that shows it. What each strategy should show
comes from its declared capabilities (parallel, async, gil, processes,
baseline, its peer), not from its name. Where this run's medians go
against what a model should show, the report says so, as an observation
of these medians, not a verdict: verdicts are the lessons table's. A
section whose points did not run (a restricted matrix) is left out.
Standard library only.
"""

import json
import os
import sys

from merge import NOISY_CV, gbps, is_noisy, passes, strategies


def med(p):
    return p["inproc"]["median"]


def x(v):
    return f"{v:.2f}x"


def s(v):
    return f"{v:.3f} s" if v < 10 else f"{v:.1f} s"


def names(ps):
    return ", ".join(ps[:-1]) + (" and " if len(ps) > 1 else "") + ps[-1] if ps else ""


class Run:
    def __init__(self, path):
        with open(os.path.join(path, "results.json")) as f:
            doc = json.load(f)
        self.path = path
        self.machine = doc["machine"]
        self.prm = self.machine["parameters"]
        self.plugins = doc["plugins"]
        known = strategies(self.plugins, doc.get("contenders") or [])
        family = {st["name"]: st["family"] for st in known}
        ran = [p for p in doc["results"] if p.get("inproc")]
        # Lessons 1-6 are concbench's strategies; the programs beside them
        # (CPython's, curl) have a section of their own.
        self.points = [p for p in ran if family.get(p["strategy"]) == "concbench"]
        self.others = [p for p in ran if family.get(p["strategy"]) != "concbench"]
        self.cores = self.machine["cores"]
        self.caps = {st["name"]: set(st["caps"]) for st in self.plugins["strategies"]}
        self.peer = {st["name"]: st.get("peer") for st in self.plugins["strategies"]}
        self.charts = {}
        chart_file = os.path.join(path, "plot", "charts.txt")
        if os.path.exists(chart_file):
            with open(chart_file) as f:
                self.charts = {line.split()[1] for line in f if line.strip()}

    def has(self, strategy, cap):
        return cap in self.caps.get(strategy, set())

    def series(self, chart, workload_caps=()):
        """(workload, series, points) of every series drawn as chart."""
        out = []
        for wl in self.plugins["workloads"]:
            if not set(workload_caps) <= set(wl["caps"]):
                continue
            for se in wl["series"]:
                pts = [p for p in self.points if (p["workload"], p["series"]) == (wl["name"], se["id"])]
                if se["chart"] == chart and pts:
                    out.append((wl, se, pts))
        return out

    def at(self, pts, strategy, workers=None, value=None):
        for p in pts:
            if p["strategy"] == strategy and (workers is None or p["workers"] == workers) and \
                    (value is None or p["value"] == value):
                return p
        return None

    def base(self, pts):
        return next((p for p in pts if self.has(p["strategy"], "baseline")), None)

    def strategies(self, pts, cap=None, without=None):
        out = []
        for p in pts:
            st = p["strategy"]
            if st in out or self.has(st, "baseline"):
                continue
            if (cap is None or self.has(st, cap)) and (without is None or not self.has(st, without)):
                out.append(st)
        return out

    def chart(self, name, alt):
        return [f"![{alt}]({name}.png)", ""] if name in self.charts else []


def lesson_io(run):
    found = run.series("latency")
    if not found:
        return []
    wl, se, pts = found[0]
    out = [f"## 1. I/O-bound: waiting is free to overlap ({wl['name']})", ""]
    seq = run.base(pts)
    if seq is None or not seq.get("bound_s"):
        return out + ["No baseline point with a known latency bound in this run.", ""]
    out.append(f"The baseline, {seq['strategy']}, took {s(med(seq))} for {seq['tasks']} tasks, "
               f"{x(med(seq) / seq['bound_s'])} its bound of tasks x delay = {s(seq['bound_s'])}: "
               f"it pays every delay in turn.")
    tracked, far = {}, []
    for st in run.strategies(pts):
        mine = [p for p in pts if p["strategy"] == st and p["workers"] >= 2 and p.get("bound_s")]
        if not mine:
            continue
        ok = [p for p in mine if p["vs_bound"] <= 1.2]
        if ok:
            tracked[st] = max(ok, key=lambda p: p["workers"])
        if min(p["vs_bound"] for p in mine) > 1.5:
            far.append(st)
    if tracked:
        ranked = sorted(tracked.items(), key=lambda kv: (-kv[1]["workers"], kv[1]["vs_bound"]))
        out.append("The concurrent strategies follow the latency bound ceil(tasks / workers) x "
                   "delay down, staying within 1.2x of it: " +
                   ", ".join(f"{st} up to {p['workers']} ({x(p['vs_bound'])} there)"
                             for st, p in ranked) + " workers.")
    rest = [p for p in pts if not run.has(p["strategy"], "baseline")]
    if rest:
        fastest = min(rest, key=med)
        out.append(f"The fastest point, {fastest['strategy']} at {fastest['workers']} workers, "
                   f"was {x(med(seq) / med(fastest))} faster than the baseline ({s(med(fastest))}, "
                   f"bound {s(fastest['bound_s'])}); with more workers the waits get short and the "
                   f"machine's own costs show: cores shared with the server, connection set-up, "
                   f"saving files.")
        ph = fastest.get("phases_ms") or {}
        if all(isinstance(ph.get(k), (int, float)) for k in ("name_lookup", "connect", "first_byte")):
            out.append(f"Where its transfers' time went (libcurl's phases, medians, each from the "
                       f"transfer's start): name looked up at {ph['name_lookup']:.3f} ms, connected "
                       f"at {ph['connect']:.3f} ms, first byte at {ph['first_byte']:.3f} ms; a "
                       f"first byte far past the server's delay is a wait in the server's queue "
                       f"or the client's. The connect median is over the transfers that opened a "
                       f"connection (a reused one has none), so it can exceed the first byte's.")
    if far:
        out.append(f"Against expectation in this run's medians, for {names(far)}: never within 1.5x of the bound in "
                   f"this run, so the lesson did not hold for {'it' if len(far) == 1 else 'them'}.")
    return out + [""] + run.chart(se["id"], "I/O-bound wall time against workers")


def speedups_at(run, pts, workers):
    return {st: run.at(pts, st, workers)["speedup"] for st in run.strategies(pts)
            if run.at(pts, st, workers) and "speedup" in run.at(pts, st, workers)}


def lesson_cpu(run):
    found = run.series("speedup", ["cpu"])
    if not found:
        return []
    # The compute-bound series: the one whose baseline works longest.
    heavy = max(found, key=lambda f: med(run.base(f[2])) if run.base(f[2]) else 0)
    wl, se, pts = heavy
    cores = run.cores
    out = [f"## 2. CPU-bound: only parallel workers help ({wl['name']}, {se['id']})", ""]
    sp = speedups_at(run, pts, cores)
    par = [st for st in sp if run.has(st, "parallel")]
    single = [st for st in sp if not run.has(st, "parallel")]
    if not sp:
        return out + [f"No points at the core count ({cores}) in this run.", ""]
    out.append(f"On {se['title']} with one worker per core ({cores}), the strategies that run "
               f"work in parallel reached " + ", ".join(f"{st} {x(sp[st])}" for st in par) +
               f" (ideal {cores}x); those that run one computation at a time " +
               ", ".join(f"{st} {x(sp[st])}" for st in single) + ".")
    top = max(p["workers"] for p in pts)
    if top > cores and par:
        more = speedups_at(run, pts, top)
        out.append(f"More workers than cores bought nothing: at {top} workers " +
                   ", ".join(f"{st} {x(more[st])}" for st in par if st in more) + ".")
    for wl2, se2, pts2 in found:
        if se2 is se:
            continue
        b = run.base(pts2)
        sp2 = speedups_at(run, pts2, cores)
        bw = run.machine.get("bandwidth") or {}
        one, many = bw.get("threads_1_gbps"), bw.get(f"threads_{cores}_gbps")
        if b and sp2 and se2.get("ceiling") == "bandwidth" and one and many and gbps(b):
            par2 = [st for st in sp2 if run.has(st, "parallel")]
            reads = {st: gbps(run.at(pts2, st, cores)) for st in par2}
            out.append(f"{se2['title'].capitalize()} is bound by memory, not by cores: this "
                       f"machine reads {one:.1f} GB/s with one thread and {many:.1f} GB/s with "
                       f"{cores} (`concbench info --bandwidth`: the same loop, best of "
                       f"{bw.get('best_of', 7)} reads of {bw.get('bytes', 256 << 20) >> 20} MiB). The "
                       f"baseline read {gbps(b):.1f} GB/s ({gbps(b) / one * 100:.0f} % of one "
                       f"thread's bandwidth); at {cores} workers " +
                       ", ".join(f"{st} read {reads[st]:.1f} GB/s ({reads[st] / many * 100:.0f} %)"
                                 for st in par2) +
                       f" of the {many:.1f} GB/s {cores} threads can read. So their speedup (" +
                       ", ".join(f"{st} {x(sp2[st])}" for st in par2) + f") is the memory's "
                       f"({x(many / gbps(b))} at most from this baseline), not the cores': the "
                       f"heavy kernel above gets {cores}x from {cores} cores, the sum only what "
                       f"the memory bus adds. The ceiling is drawn on the chart.")
        elif b and sp2:
            out.append(f"{se2['title'].capitalize()} takes only {s(med(b))} with the baseline; at "
                       f"{cores} workers " + ", ".join(f"{st} {x(v)}" for st, v in sp2.items()) +
                       ": with this little work per run, starting workers weighs as much as "
                       "the work.")
    problems = [f"{st} reached only {x(sp[st])} of an ideal {cores}x" for st in par
                if sp[st] < 0.7 * cores]
    problems += [f"{st} measured {x(sp[st])}, but it runs one computation at a time and cannot "
                 f"beat the baseline: the machine's speed changed during the run (see the cv "
                 f"column in summary.md)" for st in single if sp[st] > 1.2]
    if problems:
        out.append("Against expectation in this run's medians (a verdict is the lessons table's): " + "; ".join(problems) + ".")
    return out + [""] + run.chart(wl["name"], "CPU-bound speedup")


def lesson_gil(run):
    gils = [st for st in run.caps if "gil" in run.caps[st] and run.peer.get(st)]
    cpu = run.series("speedup", ["cpu"])
    lat = run.series("latency")
    out = []
    for g in gils:
        peer = run.peer[g]
        if not cpu:
            continue
        wl, se, pts = max(cpu, key=lambda f: med(run.base(f[2])) if run.base(f[2]) else 0)
        gp, tp = run.at(pts, g, run.cores), run.at(pts, peer, run.cores)
        if not gp or not tp or "speedup" not in gp or "speedup" not in tp:
            continue
        st = gp.get("stats") or {}
        out += [f"## 3. The GIL: {peer} with and without one lock ({g})", "",
                f"The same pool of {run.cores} {peer} on {se['title']} ran {x(tp['speedup'])} "
                f"faster than the baseline without the lock and {x(gp['speedup'])} with it. Under "
                f"the lock only one thread computes at a time; the threads spent "
                f"{s(st.get('lock_wait_s') or 0)} waiting for it and handed it over "
                f"{st.get('switches') or 0:.0f} times ({st.get('forced_drops') or 0:.0f} forced "
                f"by the {st.get('switch_interval_ms') or 0:g} ms switch interval)."]
        problems = []
        if gp["speedup"] > 1.1:
            problems.append(f"{g} reached {x(gp['speedup'])} on CPU work, more than 1.1x")
        if tp["speedup"] < gp["speedup"] * 1.3:
            problems.append(f"{peer} was not clearly faster than {g} on CPU work")
        if lat:
            lpts = lat[0][2]
            common = [p["workers"] for p in lpts if p["strategy"] == g
                      and run.at(lpts, peer, p["workers"])]
            if common:
                w = max(common)
                gi, ti = run.at(lpts, g, w), run.at(lpts, peer, w)
                ratio = med(gi) / med(ti)
                out.append(f"On downloads the lock is let go around every transfer and file "
                           f"write, as CPython does: at {w} workers the {g} pool took {x(ratio)} "
                           f"the time of {peer} ({s(med(gi))} against {s(med(ti))}). Threads help "
                           f"I/O-bound work with or without a GIL; only GIL-free threads help "
                           f"CPU-bound work.")
                if ratio > 1.2:
                    problems.append(f"{g} took {x(ratio)} the time of {peer} on I/O")
        holds = lock_holds(run, g)
        if holds:
            busy = sum(b - a for a, b, _ in holds)
            overlap = max((holds[k - 1][1] - holds[k][0] for k in range(1, len(holds))), default=0)
            span = holds[-1][1] - holds[0][0]
            out.append(f"Traced over time (gil_timeline.png: the heavy kernel at 2 threads), the "
                       f"lock was taken {len(holds)} times by {len({w for _, _, w in holds})} "
                       f"threads and held {busy / span * 100:.0f} % of {span:.0f} ms" +
                       (", never by two at once." if overlap <= 0.001 else
                        f"; **two holds overlapped by {overlap:.3f} ms**."))
            if overlap > 0.001:
                problems.append("the trace shows two holders of the lock at once")
        if problems:
            out.append("Against expectation in this run's medians (a verdict is the lessons table's): " + "; ".join(problems) + ".")
        out += [""] + run.chart("gil", "Threads with and without a GIL")
        out += run.chart("gil_timeline", "The lock over time")
    return out


def lock_holds(run, strategy):
    """(start ms, end ms, thread) of each hold of the lock in the traced
    heavy-kernel run of strategy (bench.sh), by start; [] without one."""
    try:
        with open(os.path.join(run.path, "raw", f"trace-cpu-{strategy}.json")) as f:
            events = json.load(f)["traceEvents"]
    except (OSError, ValueError, KeyError):
        return []
    return sorted((e["ts"] / 1000, (e["ts"] + e["dur"]) / 1000, e["tid"]) for e in events
                  if e.get("cat") == "strategy" and e.get("ph") == "X")


def lesson_sync(run):
    out = []
    for wl, se, pts in run.series("modes"):
        vary = se["vary"]
        default = next(o["default"] for o in wl["options"] if o["name"] == vary)
        counts = sorted({p["workers"] for p in pts})
        two = [c for c in counts if 2 <= c <= run.cores] or counts
        w = two[-1]
        here = [p for p in pts if p["workers"] == w]
        d = next((p for p in here if p["value"] == default), None)
        if d is None:
            continue
        out += [f"## 4. Synchronisation: what sharing costs ({wl['name']}, --{vary})", ""]
        costs = [f"--{vary} {p['value']} {x(p.get('vs_default') or med(p) / med(d))}" for p in here
                 if p["value"] != default and not p["expected_fail"]]
        out.append(f"With {w} workers, against --{vary} {default} ({s(med(d))}): " +
                   ", ".join(costs) + " the time. A shared total is one cache line that every "
                   "add must own in turn; private sums share nothing.")
        for p in here:
            if not p["expected_fail"]:
                continue
            wrong = p.get("wrong_runs", 0)
            if wrong > 0:
                out.append(f"Without synchronisation (--{vary} {p['value']}, the bug of the "
                           f"notebook's `total += x` in threads) the answer was wrong in {wrong} of "
                           f"{p['runs']} runs: load, add and store are three steps, and two workers "
                           f"interleaving them lose each other's updates.")
            else:
                out.append(f"Against expectation in this run's medians (a verdict is the lessons table's): --{vary} {p['value']} came out right in all "
                           f"{p['runs']} runs at {w} workers; no lost update happened in this run.")
        one = [p for p in pts if p["workers"] == 1 and p["value"] != default and not p["verified"]]
        if not one and 1 in counts:
            out.append("With one worker every mode is right, the unsynchronised one included: a "
                       "race needs two.")
        out += [""] + run.chart(se["id"], "The cost of synchronisation")
    return out


def lesson_overheads(run):
    out = ["## 5. Overheads: processes, threads, an event loop", ""]
    cpu = run.series("speedup", ["cpu"])
    if cpu:
        light = min(cpu, key=lambda f: med(run.base(f[2])) if run.base(f[2]) else 1e9)
        wl, se, pts = light
        b = run.base(pts)
        if b and b.get("median") is not None:
            out.append(f"hyperfine's whole-process clock includes what the in-process clock leaves "
                       f"out: on {se['title']}, {s(b['median'] - med(b))} of start-up and set-up "
                       f"around {s(med(b))} of work.")
        procs = [st for st in run.strategies(pts, "processes")]
        threads = [st for st in run.strategies(pts, "parallel", "processes")
                   if run.has(st, "shared_memory")]
        for pr in procs:
            for th in threads[:1]:
                a, c = run.at(pts, pr, run.cores), run.at(pts, th, run.cores)
                if a and c:
                    why = ("each rank is a process of its own, started by mpirun, and builds "
                           "its chunks from their indices" if run.has(pr, "distributed") else
                           "each forked worker maps the parent's memory copy-on-write, and pays "
                           "for it")
                    out.append(f"On that small job at {run.cores} workers, {pr} took {s(med(a))} "
                               f"against {th}' {s(med(c))}: {why}.")
    lat = run.series("latency")
    if lat:
        wl, se, pts = lat[0]
        counts = sorted({p["workers"] for p in pts if p["workers"] <= run.prm["bar_workers"]})
        if counts:
            w = counts[-1]
            cost = [p for p in pts if p["workers"] == w and not run.has(p["strategy"], "baseline")
                    and p.get("user_s") is not None]
            if cost:
                out.append(f"Downloading at {w} workers, peak memory was " +
                           ", ".join(f"{p['strategy']} {p['max_rss_kb'] / 1024:.0f} MiB" for p in cost) +
                           " and CPU time (user + sys) " +
                           ", ".join(f"{p['strategy']} {p['user_s'] + p['sys_s']:.3f} s" for p in cost) +
                           ".")
    out += [""] + run.chart("cost", "CPU time and peak memory")
    for wl, se, pts in run.series("bars", ["io", "cpu"]):
        w = max(p["workers"] for p in pts)
        here = [p for p in pts if p["workers"] == w]
        both = [p for p in here if run.has(p["strategy"], "async") and run.has(p["strategy"], "parallel")]
        single = [p for p in here if not (run.has(p["strategy"], "async") and
                                          run.has(p["strategy"], "parallel"))]
        b = run.base(pts)
        if not both or not single:
            continue
        best = min(single, key=med)
        for h in both:
            if med(h) < med(best):
                out.append(f"On {wl['name']} ({se['title']}) at {w} workers, {h['strategy']} — an "
                           f"event loop for the transfers, threads for the work — took "
                           f"{s(med(h))}, {x(med(best) / med(h))} faster than the best single "
                           f"model ({best['strategy']}, {s(med(best))})" +
                           (f" and {x(med(b) / med(h))} faster than the baseline" if b else "") + ".")
            else:
                out.append(f"Against expectation in this run's medians (a verdict is the lessons table's): on {wl['name']} at {w} workers "
                           f"{h['strategy']} took {s(med(h))} and did not beat {best['strategy']} "
                           f"({s(med(best))}).")
        loops = [p for p in single if run.has(p["strategy"], "async")]
        for p in loops:
            out.append(f"{p['strategy']} took {s(med(p))}: its one thread must also do the "
                       f"work, and no transfer progresses while it does.")
        out += [""] + run.chart(se["id"], "Download, then compute")
    return out


def lesson_messages(run):
    """Message passing against shared memory and pipes: the strategies
    with the distributed capability beside the processes that share a
    host."""
    dist = [st for st in run.caps if "distributed" in run.caps[st]]
    if not dist:
        return []
    out = []
    heavy = [f for f in run.series("speedup", ["cpu"]) if f[1]["id"] == "heavy"]
    disp = run.series("sweep", ["cpu"])
    for d in dist:
        peers = [st for st in run.caps if "processes" in run.caps[st] and st not in dist]
        lines = []
        if heavy:
            wl, se, pts = heavy[0]
            p = run.at(pts, d, run.cores)
            if p and "speedup" in p:
                st = p.get("stats") or {}
                lines.append(f"On the heavy kernel {d} ran {x(p['speedup'])} the baseline's speed "
                             f"with {run.cores} ranks" +
                             "".join(f" ({q} {x(run.at(pts, q, run.cores)['speedup'])})" for q in peers
                                     if run.at(pts, q, run.cores) and "speedup" in run.at(pts, q, run.cores)) +
                             (f"; its ranks spent {st['message_s']:.4f} s in messages against "
                              f"{st['task_s']:.3f} s in tasks" if st.get("task_s") else "") + ".")
                if p["speedup"] < 0.7 * run.cores:
                    lines.append(f"Against expectation in this run's medians (a verdict is the lessons table's): {d} reached only {x(p['speedup'])} at "
                                 f"{run.cores} ranks.")
        if disp:
            wl, se, pts = disp[0]
            small = min((p["value"] for p in pts), key=lambda v: float(v))
            large = max((p["value"] for p in pts), key=lambda v: float(v))
            costs = {}
            for q in [d] + peers:
                a, b = run.at(pts, q, value=small), run.at(pts, q, value=large)
                if a and b and a.get("tasks") and b.get("tasks") and a["tasks"] > b["tasks"]:
                    costs[q] = (med(a) - med(b)) / (a["tasks"] - b["tasks"]) * 1e6
            if d in costs:
                a = run.at(pts, d, value=small)
                st = a.get("stats") or {}
                lines.append(f"What a task costs to hand out, from the dispatch series (the time "
                             f"at chunks of {small} less the time at {large}, over the extra "
                             f"tasks): {d} {costs[d]:.2f} us a task" +
                             "".join(f", {q} {c:.2f} us (a pipe message each)" for q, c in costs.items()
                                     if q != d) +
                             f". Rank 0 ran {st.get('tasks_on_rank_0', 0):.0f} of the {a['tasks']} "
                             f"tasks itself, between messages; each of the others crossed two "
                             f"messages (the index out, the result back), "
                             f"{st.get('message_us_per_task', 0):.2f} us a task inside MPI_Send "
                             f"and MPI_Recv, through shared memory on one host (Open MPI's vader) "
                             f"and TCP between hosts. Threads share the data and pay only for "
                             f"the queue; message passing pays per message, but needs nothing "
                             f"shared, so its workers can be on other machines.")
        if lines:
            out += [f"## 8. Message passing: {d} against shared memory and pipes", ""] + lines + [""]
    return out


def timeline(run):
    """The traced run of uneven files (bench.sh): who finished when."""
    if "timeline" not in run.charts:
        return []
    raw = os.path.join(run.path, "raw")
    got = []
    for st in run.plugins["strategies"]:
        try:
            with open(os.path.join(raw, f"timeline-{st['name']}.json")) as f:
                got.append((st["name"], json.load(f)))
        except (OSError, ValueError):
            continue
    if not got:
        return []
    out = ["## 6. Over time: one small run of uneven tasks, every strategy", ""]
    bound = next((j.get("bound_s") for _, j in got if j.get("workers", 1) > 1 and j.get("bound_s")), None)
    tl = run.machine.get("parameters", {}).get("timeline") or {}
    delays = tl.get("delays_ms") or []
    what = (f"{tl['files']} files that take {', '.join(map(str, delays[:-1]))} and {delays[-1]} ms in turn"
            if tl.get("files") and len(delays) > 1 else "A small run of uneven files")
    out.append(f"{what}, at 4 workers, each run traced "
               "(`--trace`): " + ", ".join(f"{n} {s(j['wall_s'])}" for n, j in got) +
               (f"; a pool that hands out the files in order can do no better than {s(bound)}"
                if bound else "") + ".")
    seq = [n for n, j in got if j.get("in_submission_order")]
    ooo = [n for n, j in got if j.get("in_submission_order") is False]
    if seq or ooo:
        out.append((f"{names(seq)} finished the files in submission order; " if seq else "") +
                   (f"{names(ooo)} finished them out of order, short ones first, as "
                    f"`as_completed` reports them." if ooo else ""))
    out.append("In the chart each task is a bar on the lane that ran it: one lane for the "
               "sequential loop, a lane per thread or process for the pools, and for the event "
               "loop the transfers in flight stacked on its one thread.")
    return out + [""] + run.chart("timeline", "Timeline of one run per strategy")


def lesson_cpython(run):
    """The course's CPython programs and curl, beside the C strategies."""
    if not run.others:
        return []
    ver = next((p["python"] for p in run.others if p.get("python")), "3")
    out = [f"## 7. The course's own programs: CPython {ver}, real GIL", "",
           "The course's downloaders and sums (scripts/python/), run by hyperfine in the same "
           "rounds as the strategies, on the same server and files, each verified like them" +
           (" where the index lets anything be verified." if any(p.get("unverified") for p in run.others)
            else ".")]
    mine = [p for p in run.others if p["workload"] == "io"]
    c_io = [p for p in run.points if p["workload"] == "io"]
    problems = []
    if mine and c_io:
        pseq, cseq = run.at(mine, "py-sequential"), run.base(c_io)
        if pseq and cseq:
            out.append(f"Downloading {pseq['tasks']} files one after the other took "
                       f"{s(med(pseq))} in CPython against {s(med(cseq))} for concbench's "
                       f"{cseq['strategy']}: both pay every delay in turn.")
        w = run.prm["bar_workers"]
        pairs = [(py, c) for py, c in (("py-threads", "threads"), ("py-asyncio", "eventloop"),
                                       ("py-procs", "procs"))
                 if run.at(mine, py, w) and run.at(c_io, c, w)]
        if pairs:
            out.append(f"At {w} workers: " + ", ".join(
                f"{py} {s(med(run.at(mine, py, w)))} (C {c} {s(med(run.at(c_io, c, w)))})"
                for py, c in pairs) + ". Threads help CPython's downloads as they help C's: a "
                "thread blocked on a socket has let go of the GIL.")
            for py, c in pairs:
                if py == "py-threads" and pseq and med(run.at(mine, py, w)) > med(pseq) / 1.5:
                    problems.append(f"py-threads at {w} workers was not clearly faster than "
                                    f"py-sequential on downloads")
        pt = sorted((p for p in mine if p["strategy"] == "py-threads"), key=lambda p: p["workers"])
        if len(pt) >= 3 and pt[-1].get("user_s") is not None:
            best = min(pt, key=med)
            cpu_ms = (pt[-1]["user_s"] + pt[-1]["sys_s"]) / pt[-1]["tasks"] * 1000
            if med(pt[-1]) > 1.5 * (pt[-1].get("bound_s") or 0) and best["workers"] < pt[-1]["workers"]:
                out.append(f"py-threads stopped gaining at {best['workers']} workers ({s(med(best))}; "
                           f"{s(med(pt[-1]))} at {pt[-1]['workers']}, where the bound is "
                           f"{s(pt[-1].get('bound_s') or 0)}): each file costs it about "
                           f"{cpu_ms:.1f} ms of CPU (user + sys), and the interpreter's part of "
                           f"that runs under the one GIL, one thread at a time. Once the waits are "
                           f"that short, even I/O-bound work meets the GIL" +
                           (f"; py-asyncio, one thread with no lock to hand over, went down to "
                            f"{s(min(med(p) for p in mine if p['strategy'] == 'py-asyncio'))}"
                            if any(p["strategy"] == "py-asyncio" for p in mine) else "") + ".")
        top = max(p["workers"] for p in mine)
        cu, ev = run.at(mine, "curl-parallel", top), run.at(c_io, "eventloop", top)
        if cu and ev:
            out.append(f"The reference client, curl --parallel at {top} in flight, took "
                       f"{s(med(cu))} (its whole process, start-up included); concbench's "
                       f"eventloop {s(med(ev))}.")
    heavy = [p for p in run.others if p["series"] == "heavy"]
    if heavy:
        b = run.at(heavy, "py-sequential")
        c_heavy = [p for p in run.points if p["series"] == "heavy"]
        th, pr = run.at(heavy, "py-threads", run.cores), run.at(heavy, "py-procs", run.cores)
        cth, cg = run.at(c_heavy, "threads", run.cores), run.at(c_heavy, "gil", run.cores)
        if b and th and pr and "speedup" in th and "speedup" in pr:
            n = (b.get("params") or {}).get("n")
            out.append(f"On the heavy kernel (CPython at n = {n}, its own size: the same loop in "
                       f"bytecode runs about a hundred times slower than in C), at {run.cores} "
                       f"workers py-threads ran {x(th['speedup'])} and py-procs "
                       f"{x(pr['speedup'])} the speed of py-sequential ({s(med(b))})" +
                       (f"; C threads {x(cth['speedup'])}, concbench's emulated GIL "
                        f"{x(cg['speedup'])}" if cth and cg and "speedup" in cth and
                        "speedup" in cg else "") +
                       ". CPython's threads take turns on the one lock, as the emulation does; "
                       "its processes each have their own.")
            if th["speedup"] > 1.2:
                problems.append(f"py-threads reached {x(th['speedup'])} on CPU work under the GIL")
            if run.cores >= 2 and pr["speedup"] < 1.3:
                problems.append(f"py-procs reached only {x(pr['speedup'])} at {run.cores} workers")
    disp = [p for p in run.others if p["series"] == "dispatch"]
    if disp:
        c_disp = [p for p in run.points if p["series"] == "dispatch"]
        rows = [(st, run.at(disp, st, value="100")) for st in ("py-sequential", "py-threads",
                                                               "py-procs")]
        rows = [(st, p) for st, p in rows if p]
        def per_pass(p):
            return med(p) / passes(p)
        cbest = min((p for p in c_disp if p["value"] == "100"), key=per_pass, default=None)
        if rows:
            n = (rows[0][1].get("params") or {}).get("n", 1000000)
            out.append(f"The course's own case, the sum of n = {n:,} in chunks of 100 at "
                       f"{max(p['workers'] for _, p in rows)} workers, the time of one pass over "
                       "the array: " + ", ".join(f"{st} {s(per_pass(p))}" for st, p in rows) +
                       (f"; the fastest C strategy, {cbest['strategy']}, {s(per_pass(cbest))}"
                        if cbest else "") +
                       ". With chunks that small every strategy pays more to hand out a chunk "
                       "than to add it up.")
    races = {}
    for k in ("sum", "heavy"):
        for r in range(1, 10):
            try:
                with open(os.path.join(run.path, "raw", "py-race", f"{k}-r{r}.json")) as f:
                    races.setdefault(k, []).append(json.load(f))
            except (OSError, ValueError):
                break
    if races:
        def lost(k):
            got = races.get(k, [])
            return sum(1 for j in got if not j.get("verified")), len(got)
        ls, ns = lost("sum")
        lh, nh = lost("heavy")
        said = (f"The course's race, `x = x + i` in 10 threads with the lock commented out: "
                f"with the sum kernel the answer was wrong in {ls} of {ns} runs; with the heavy "
                f"one (`x = x + lcg_rounds(i, work)`) in {lh} of {nh}.")
        if ls == 0 and lh > 0:
            said += (f" CPython {ver} hands the GIL over only at calls and backward jumps, so "
                     f"nothing runs between reading x and writing it back in `x = x + i`; the "
                     f"call in the heavy version is such a point, and there updates are lost. "
                     f"The course's wrong 484944095455 came from an older CPython (3.9 and "
                     f"before), which could switch between almost any two bytecodes: the race "
                     f"is still there, only narrower.")
        elif lh == 0:
            problems.append(f"the racy heavy sum lost no update in {nh} runs")
        out.append(said)
    if problems:
        out.append("Against expectation in this run's medians (a verdict is the lessons table's): " + "; ".join(problems) + ".")
    return out + [""] + run.chart("gil", "C threads, the emulated GIL and CPython's")


def noise(run):
    """Which points were too spread to trust, in one place."""
    pts = run.points + run.others
    noisy = [p for p in pts if is_noisy(p)]
    out = ["## How much to trust these numbers", ""]
    if not noisy:
        return out + [f"Every point's runs stayed within a coefficient of variation of "
                      f"{NOISY_CV * 100:.0f} %.", ""]
    out.append(f"{len(noisy)} of {len(pts)} points spread more than {NOISY_CV * 100:.0f} % "
               f"(coefficient of variation of their runs); they are ringed on the charts, and a "
               f"lesson that rests on them should be measured again (`make bench` on a quieter "
               f"machine, or more `RUNS`):")
    out.append("")
    for p in sorted(noisy, key=lambda p: -p["inproc"]["cv"]):
        out.append(f"- {p['workload']} / {p['series']}: {p['strategy']}"
                   f"{' --' + p['vary'] + ' ' + str(p['value']) if p['vary'] != '-' else ''} at "
                   f"{p['workers']} workers, cv {p['inproc']['cv'] * 100:.0f} % "
                   f"({s(p['inproc']['min'])} – {s(p['inproc']['max'])})")
    return out + [""]


def fmt(v, unit):
    """A measured figure as the lessons table writes it."""
    if v is None:
        return "–"
    text = f"{v:.3g}"
    return text + (unit if unit in ("x", "%") else f" {unit}" if unit else "")


def lessons(run_dir):
    """The lessons table: every lesson's claim, the course's figure, the
    measured figure with its 95 % interval and the verdict, from
    lessons.json (`concbench lesson all`, the same code as `make lessons`)."""
    path = os.path.join(run_dir, "lessons.json")
    if not os.path.exists(path):
        return ["## The lessons", "",
                "The lessons were not run with this bench (QUICK, or `LESSONS=none`): "
                "`make lessons` runs them, each a claim of the course decided by its own "
                "interleaved rounds.", ""]
    with open(path) as f:
        ls = json.load(f).get("lessons", [])
    out = ["## The lessons", "",
           "Each lesson is one of the course's claims, measured here in interleaved rounds until "
           "the 95 % interval of its paired statistic decided it or its time ran out "
           "(`concbench lesson ID` runs one; [the method](../../docs/method.md) says how).", ""]
    bad = [l for l in ls if l["verdict"] == "contradicted"]
    if bad:
        out += [f"**{len(bad)} lesson{'s' if len(bad) > 1 else ''} contradicted: "
                f"{', '.join(l['id'] for l in bad)}.** The numbers of this machine say the "
                f"opposite of the course; see below.", ""]
    out += ["| lesson | the claim | the course | measured | 95 % interval | verdict |",
            "|---|---|---|---:|---|---|"]
    for l in ls:
        ci = l.get("ci") or [None, None]
        interval = (f"[{fmt(ci[0], l.get('unit', ''))}, {fmt(ci[1], l.get('unit', ''))}]"
                    if ci[0] is not None else "–")
        verdict = l["verdict"] if l["verdict"] != "contradicted" else "**contradicted**"
        out.append(f"| [{l['id']}](lessons/{l['id']}.png) | {l['claim']} | {l.get('course') or '–'} "
                   f"| {l.get('statistic', '')}: {fmt(l.get('estimate'), l.get('unit', ''))} "
                   f"| {interval} | {verdict} |")
    out.append("")
    for l in ls:
        line = f"- **{l['id']}** ({l['verdict']}, {l['rounds']} rounds): {l['explanation']}"
        if l["verdict"] != "holds" and l.get("reason"):
            line += f" Why {l['verdict']}: {l['reason']}"
        out.append(line)
    return out + [""]


def unverified(run):
    pts = [p for p in run.points + run.others if p.get("unverified")]
    if not pts:
        return []
    n = len(run.points) + len(run.others)
    return [f"**{len(pts)} of {n} points ran without a failure but could not be verified**: "
            f"the index gave no size or checksum to check their files against "
            f"({names(list(dict.fromkeys(p['strategy'] for p in pts)))}). "
            f"Their times are real; that the bytes were right is not known.", ""]


def busy(run):
    """A warning when something else was running: the load when the run
    began, and the points whose timed runs began with other threads
    runnable (each run reads /proc/loadavg before it starts)."""
    out = []
    load = (run.machine.get("system") or {}).get("loadavg_1m")
    if load is not None and load > 0.5 * run.cores:
        out.append(f"**The machine was busy when this run began**: load average {load:.2f} over "
                   f"the last minute on {run.cores} cores.")
    pts = run.points + run.others
    crowded = [p for p in pts if (p.get("others_runnable") or 0) >= 1]
    if crowded:
        out.append(f"**{len(crowded)} of {len(pts)} points started their runs with other threads "
                   f"runnable** (the median over their rounds: another program computing, the "
                   f"fixture server still answering, or a distributed run's own ranks still "
                   f"setting up): " +
                   ", ".join(f"{p['name']} ({p['others_runnable']:g})" for p in crowded[:12]) +
                   (" …" if len(crowded) > 12 else "") + ". Their times may carry that load.")
    return out + [""] if out else []


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RUN_DIR")
    run = Run(sys.argv[1])
    m = run.machine
    lines = [
        "# What this run shows", "",
        f"{m['date']}: {m['cpu_model']}, {m['cores']} cores, {m['kernel']}; {m['compiler']} "
        f"`{m['cflags'].strip()}`; libcurl {m['libcurl']}. Medians of {run.prm['runs']} "
        f"interleaved rounds (in-process clock) after {run.prm['warmup']} warm-up; every sentence "
        f"below is computed from this folder's results.json. Tables: [summary.md](summary.md).",
        "",
    ]
    if run.prm.get("quick"):
        lines += ["**QUICK run: small sizes and two rounds; indicative only.**", ""]
    if run.prm.get("outside_url"):
        lines += [f"Downloads came from an outside server, {run.prm['outside_url']}: no fixture "
                  f"server ran, so delays, sizes and the latency bound are whatever that server "
                  f"and its index say, and no timeline was drawn.", ""]
    lines += unverified(run)
    lines += busy(run)
    skipped = os.path.join(sys.argv[1], "plot", "skipped.txt")
    if os.path.exists(skipped):
        with open(skipped) as f:
            gone = [l.rstrip("\n").split("\t", 1) for l in f if "\t" in l]
        if gone:
            lines += ["Charts not drawn: " + "; ".join(f"{c}.png ({why})" for c, why in gone) + ".", ""]
    lines += lessons(sys.argv[1])
    lines += ["## The full matrix", "",
              "What every strategy did on every series, from the medians of the bench's rounds: "
              "for engineers, and for the charts below.", ""]
    for lesson in (lesson_io, lesson_cpu, lesson_gil, lesson_sync, lesson_overheads, timeline,
                   lesson_cpython, lesson_messages, noise):
        lines += lesson(run)
    path = os.path.join(sys.argv[1], "REPORT.md")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(lines))
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
