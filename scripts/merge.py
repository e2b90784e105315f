#!/usr/bin/env python3
"""merge.py RUN_DIR: merge one `make bench` run into its result files.

Reads RUN_DIR/machine.json, RUN_DIR/plugins.json (the binary's own
registry: order, colours, capabilities), RUN_DIR/contenders.json if there
is one (the programs that ran beside the strategies: CPython's, curl),
RUN_DIR/raw/plan.tsv (the points),
hyperfine's exports RUN_DIR/raw/WORKLOAD-SERIES-rROUND.json (the
whole-process clock) and each process's own result
RUN_DIR/raw/samples/KEY-rROUND.json (the in-process clock, verification,
rusage, the workload's derived figures), and writes:

  results.json  {"schema", "machine", "plugins", "contenders", "results": [...]}: one entry per point
                in hyperfine's shape (command, mean, stddev, median, min, max,
                times, user, system, parameters, exit_codes: the whole-process
                clock) plus concbench's own fields (the in-process clock under
                "inproc", verification, rusage, latency, bound, speedup)
  results.csv   one row per point
  summary.md    Markdown tables, one per series
  hyperfine/    hyperfine-shaped exports with readable names and the
                in-process clock: SERIES.json, SERIES-STRATEGY.json

Nothing here knows a strategy or a workload by name: order and the
speedup baseline come from plugins.json, derived figures (the latency
bound, whether failing was expected) from the workloads' own results.
Exit status 0 even when points failed: failures are data; the driver
decides what they mean. Standard library only.
"""

import csv
import json
import os
import statistics
import sys

CSV_COLUMNS = [
    "workload", "series", "strategy", "value", "workers", "median_s", "min_s", "max_s",
    "mean_s", "stddev_s", "cv", "process_median_s", "speedup", "efficiency", "bound_s",
    "vs_bound", "vs_default", "cpu_s", "max_rss_kb", "p50_ms", "p95_ms", "p99_ms", "verified",
    "expected_fail", "runs",
]



SCHEMA = "concbench-results/1"

def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# A point whose runs spread more than this (coefficient of variation) is
# flagged noisy: summary.md and REPORT.md say so, the charts ring it.
NOISY_CV = 0.10


def is_noisy(p):
    """A merged point's runs spread more than NOISY_CV (older results.json
    files carry no flag: the cv decides)."""
    ip = p["inproc"]
    return ip.get("noisy", ip["cv"] > NOISY_CV)


def passes(p):
    """How many times a cpu point went over its array (1 for any other)."""
    return ((p or {}).get("params") or {}).get("passes") or 1


def gbps(p):
    """GB/s a cpu point read: its array (n int64) times its passes, over
    its median time; None when it is not a cpu point."""
    prm = (p or {}).get("params") or {}
    if not prm.get("n") or not p.get("inproc"):
        return None
    return prm["n"] * 8 * passes(p) / p["inproc"]["median"] / 1e9


def strategies(plugins, contenders=()):
    """concbench's strategies, then the contenders after them, each with its
    family: a speedup is only ever over the baseline of its own family."""
    out = [dict(s, family="concbench") for s in plugins["strategies"]]
    top = max((s["order"] for s in out), default=0)
    return out + [dict(c, order=top + 1 + k) for k, c in enumerate(contenders)]


def clock_stats(times):
    if not times:
        return None
    mean = statistics.fmean(times)
    stddev = statistics.stdev(times) if len(times) > 1 else 0.0
    cv = stddev / mean if mean > 0 else 0.0
    return {"mean": mean, "stddev": stddev, "median": statistics.median(times),
            "min": min(times), "max": max(times), "cv": cv, "noisy": cv > NOISY_CV,
            "times": times}


def command_name(row):
    name = f"{row['workload']} {row['series']} {row['strategy']}"
    if row["vary"] != "-":
        name += f" {row['vary']}={row['value']}"
    return name + f" w={row['workers']}"


def read_plan(run):
    fields = ["key", "workload", "series", "strategy", "vary", "value", "workers", "args",
              "fetches", "program"]
    rows = []
    with open(os.path.join(run, "raw", "plan.tsv")) as f:
        for line in f:
            row = dict(zip(fields, line.rstrip("\n").split("\t")))
            row["workers"] = int(row["workers"])
            row["args"] = "" if row["args"] == "-" else row["args"]
            rows.append(row)
    return rows


def hyperfine_samples(run, rows, runs):
    """{command name: [(round, time, exit_code, user, system)]} from every export."""
    out = {}
    series = {(r["workload"], r["series"]) for r in rows}
    for wl, se in series:
        for rnd in range(1, runs + 1):
            export = load_json(os.path.join(run, "raw", f"{wl}-{se}-r{rnd}.json")) or {}
            for e in export.get("results", []):
                t = (e.get("times") or [None])[0]
                code = (e.get("exit_codes") or [None])[0]
                out.setdefault(e["command"], []).append((rnd, t, code, e.get("user"),
                                                         e.get("system")))
    return out


def inproc_samples(run, key, runs):
    samples = []
    for rnd in range(1, runs + 1):
        s = load_json(os.path.join(run, "raw", "samples", f"{key}-r{rnd}.json"))
        if isinstance(s, dict) and "wall_s" in s:
            s["_round"] = rnd
            samples.append(s)
    return samples


def verdict(p, samples, codes, runs):
    complete = len(samples) == runs and len(codes) == runs
    p["verified"] = bool(complete and all(s.get("verified") is True for s in samples)
                         and all(c == 0 for c in codes))
    # Failing is the lesson (the race): every run said so and ran to its verdict.
    p["expected_fail"] = bool(complete and all(s.get("expected_fail") is True for s in samples)
                              and all(c in (0, 1) for c in codes))
    clean = complete and all(c == 0 for c in codes) and \
        all(s.get("failed", 1) == 0 and not s.get("wrong") for s in samples)
    p["ok_point"] = bool(clean or p["expected_fail"])
    # Ran clean, but nothing could check it (an index without sizes or
    # checksums: a URL list): not failed, not verified either.
    p["unverified"] = p["ok_point"] and not p["verified"] and not p["expected_fail"]
    p["wrong_runs"] = sum(1 for s in samples if s.get("wrong"))


def point(row, hf, samples, runs):
    hs = sorted(hf.get(command_name(row), []))
    times = [t for _, t, _, _, _ in hs if t is not None]
    codes = [c for _, _, c, _, _ in hs]
    p = {"name": row["key"], "command": command_name(row)}
    p.update(clock_stats(times) or {"mean": None, "median": None, "min": None, "max": None,
                                    "stddev": None, "times": []})
    p.update({
        "user": med([u for _, _, _, u, _ in hs]), "system": med([s for _, _, _, _, s in hs]),
        "exit_codes": codes, "parameters": {"workers": str(row["workers"])},
        "workload": row["workload"], "series": row["series"], "strategy": row["strategy"],
        "vary": row["vary"], "value": row["value"], "workers": row["workers"],
        "args": row["args"], "runs": len(samples), "program": row.get("program") or "-",
        "inproc": clock_stats([s["wall_s"] for s in samples]),
        "rounds": {str(s["_round"]): s["wall_s"] for s in samples},
    })
    verdict(p, samples, codes, runs)
    if not samples:
        return p
    last = samples[-1]
    p.update({
        "tasks": last.get("tasks"), "bytes": last.get("bytes"),
        "ok": min(s.get("ok", 0) for s in samples),
        "failed": max(s.get("failed", 0) for s in samples),
        "user_s": med([s.get("user_s") for s in samples]),
        "sys_s": med([s.get("sys_s") for s in samples]),
        "max_rss_kb": max(s.get("max_rss_kb", 0) for s in samples),
        "max_pss_kb": max(s.get("max_pss_kb", 0) for s in samples) or None,
        "ctx_voluntary": med([s.get("ctx_voluntary") for s in samples]),
        "ctx_involuntary": med([s.get("ctx_involuntary") for s in samples]),
        "limits": last.get("limits"), "params": last.get("params"),
        "errors": {k: sum(s.get("errors", {}).get(k, 0) for s in samples)
                   for k in last.get("errors", {})},
        # Numbers: the median over the runs; a text figure (mpi's hosts, its
        # library): the last run's.
        "stats": {k: med([s.get("stats", {}).get(k) for s in samples])
                  if not isinstance(v, str) else v for k, v in last.get("stats", {}).items()},
    })
    if "bound_s" in last:
        p["bound_s"] = last["bound_s"]
    # Threads runnable besides the run itself when each timed run began
    # (/proc/loadavg): another program computing shows here.
    others = [((s.get("system") or {}).get("load") or {}).get("before", {}).get("runnable")
              for s in samples]
    # A distributed strategy's other ranks are started before its timed
    # run and are runnable at its start: they are the run, not others.
    own = row["workers"] if row.get("distributed") else 1
    others = [max(0, r - own) for r in others if isinstance(r, (int, float))]
    if others:
        p["others_runnable"] = med(others)
    if isinstance(last.get("latency_ms"), dict):
        p["latency_ms"] = {q: med([(s.get("latency_ms") or {}).get(q) for s in samples])
                           for q in ("p50", "p95", "p99")}
    if isinstance(last.get("phases_ms"), dict):  # libcurl's phases of a transfer, median of rounds
        p["phases_ms"] = {q: med([(s.get("phases_ms") or {}).get(q) for s in samples])
                          for q in ("name_lookup", "connect", "first_byte")}
    for k in ("sum", "expected", "out_fs", "python", "curl"):
        if k in last:
            p[k] = last[k]
    return p


def paired(a, b):
    """Median over the rounds both points ran in of a's time / b's time.
    Both ran in the same round minutes apart at most, so a slow phase of
    the machine lands on both and cancels; a ratio of two medians would
    not cancel it."""
    ratios = [a[r] / b[r] for r in a if r in b and b[r] > 0]
    return statistics.median(ratios) if ratios else None


def add_ratios(results, plugins, contenders=()):
    """Speedup against the baseline strategy of the same family on the same
    series and value, and, for a series that varies an option, the time
    against its default: each the median of per-round ratios."""
    known = strategies(plugins, contenders)
    caps = {s["name"]: s["caps"] for s in known}
    family = {s["name"]: s["family"] for s in known}
    defaults = {}
    for wl in plugins["workloads"]:
        for o in wl["options"]:
            defaults[(wl["name"], o["name"])] = o.get("default")
    base, by_value = {}, {}
    for p in results:
        if not p["inproc"]:
            continue
        if "baseline" in caps.get(p["strategy"], []):
            base[(family.get(p["strategy"]), p["workload"], p["series"], p["value"])] = p["rounds"]
        by_value[(p["workload"], p["series"], p["strategy"], p["workers"], p["value"])] = \
            p["rounds"]
    for p in results:
        p["family"] = family.get(p["strategy"], "concbench")
        if not p["inproc"]:
            continue
        b = base.get((family.get(p["strategy"]), p["workload"], p["series"], p["value"]))
        sp = paired(b, p["rounds"]) if b else None
        if sp:
            p["speedup"] = sp
            p["efficiency"] = sp / p["workers"]
        if p.get("bound_s"):
            p["vs_bound"] = p["inproc"]["median"] / p["bound_s"]
        if p["vary"] != "-":
            d = by_value.get((p["workload"], p["series"], p["strategy"], p["workers"],
                              defaults.get((p["workload"], p["vary"]))))
            if d:
                p["vs_default"] = paired(p["rounds"], d)


def sort_key(plugins, contenders=()):
    s_order = {s["name"]: (s["order"], s["name"]) for s in strategies(plugins, contenders)}
    w_order = {w["name"]: (w["order"], w["name"]) for w in plugins["workloads"]}
    se_order = {(w["name"], se["id"]): k for w in plugins["workloads"]
                for k, se in enumerate(w["series"])}
    v_order = {}
    for w in plugins["workloads"]:
        for o in w["options"]:
            for k, c in enumerate(o.get("choices") or []):
                v_order[(w["name"], o["name"], c)] = k

    def key(p):
        v = v_order.get((p["workload"], p["vary"], p["value"]))
        if v is None:  # a swept number, in numeric order
            v = int(p["value"]) if str(p["value"]).isdigit() else 0
        return (w_order.get(p["workload"], (99, "")), se_order.get((p["workload"], p["series"]), 99),
                s_order.get(p["strategy"], (99, p["strategy"])), v, p["workers"])
    return key


def fmt(v, spec=".6f"):
    return "" if v is None else format(v, spec)


def write_atomic(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def write_csv(path, results):
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        for p in results:
            ip = p["inproc"] or {}
            lat = p.get("latency_ms") or {}
            cpu = (p["user_s"] + p["sys_s"]) if p.get("user_s") is not None else None
            w.writerow([
                p["workload"], p["series"], p["strategy"], p["value"], p["workers"],
                fmt(ip.get("median")), fmt(ip.get("min")), fmt(ip.get("max")),
                fmt(ip.get("mean")), fmt(ip.get("stddev")), fmt(ip.get("cv"), ".4f"),
                fmt(p.get("median")), fmt(p.get("speedup"), ".4f"),
                fmt(p.get("efficiency"), ".4f"), fmt(p.get("bound_s")),
                fmt(p.get("vs_bound"), ".4f"), fmt(p.get("vs_default"), ".4f"), fmt(cpu),
                p.get("max_rss_kb", ""), fmt(lat.get("p50"), ".3f"), fmt(lat.get("p95"), ".3f"),
                fmt(lat.get("p99"), ".3f"), 1 if p["verified"] else 0,
                1 if p["expected_fail"] else 0, p["runs"],
            ])
    os.replace(path + ".tmp", path)


def series_title(plugins, wl, se, args):
    for w in plugins["workloads"]:
        if w["name"] == wl:
            for s in w["series"]:
                if s["id"] == se:
                    return f"{wl} / {se}: {s['title']}" + (f" (`{args}`)" if args else "")
    return f"{wl} / {se}"


def summary_row(p, cols):
    ip = p["inproc"]
    name = p["strategy"] + (f" --{p['vary']} {p['value']}" if p["vary"] != "-" else "")
    cells = [name, str(p["workers"])]
    cv = f"{ip['cv'] * 100:.0f} %" if ip else ""
    cells += [f"{ip['median']:.3f} s", f"{ip['min']:.3f} – {ip['max']:.3f} s",
              f"**{cv} noisy**" if ip.get("noisy") else cv] if ip else ["–", "–", "–"]
    cells.append(f"{p['median']:.3f} s" if p.get("median") is not None else "–")
    cells.append(f"{p['speedup']:.2f}x" if "speedup" in p else "–")
    cells.append(f"{p['efficiency'] * 100:.0f} %" if "efficiency" in p else "–")
    if "bound" in cols:
        cells.append(f"{p['bound_s']:.3f} s" if p.get("bound_s") else "–")
        cells.append(f"{p['vs_bound']:.2f}x" if "vs_bound" in p else "–")
    if "default" in cols:
        cells.append(f"{p['vs_default']:.2f}x" if "vs_default" in p else "–")
    if p["expected_fail"]:
        cells.append("no, as expected: lost updates" if not p["verified"] else
                     "yes (**the race did not show**)")
    elif p["verified"]:
        cells.append("yes")
    else:
        cells.append("ran, unverifiable" if p["unverified"] else "**NO**")
    return "| " + " | ".join(cells) + " |"


def write_summary(path, machine, plugins, results):
    prm = machine["parameters"]
    out = ["# concbench results", "",
           f"{machine['date']} on {machine['cpu_model']}, {machine['cores']} cores, "
           f"{machine['kernel']}; {machine['compiler']} `{machine['cflags'].strip()}`, "
           f"libcurl {machine['libcurl']}, libevent {machine['libevent']}.", "",
           f"Times are the in-process clock (median of {prm['runs']} interleaved rounds after "
           f"{prm['warmup']} warm-up); cv is the coefficient of variation of those runs, "
           f"and a point whose cv is over {NOISY_CV * 100:.0f} % is marked noisy (too spread "
           "to trust its ranking against its neighbours; ringed on the charts); "
           "\"process\" is hyperfine's whole-process median. Speedup is against the baseline "
           "strategy on the same series, the median of per-round ratios (each round's baseline "
           "time over the point's time in that round, so a slow phase of the machine cancels); "
           "efficiency is speedup / workers."]
    groups = []
    for p in results:
        g = (p["workload"], p["series"])
        if g not in groups:
            groups.append(g)
    for wl, se in groups:
        rows = [p for p in results if (p["workload"], p["series"]) == (wl, se)]
        cols = set()
        if any(p.get("bound_s") for p in rows):
            cols.add("bound")
        if any(p["vary"] != "-" for p in rows):
            cols.add("default")
        head = "| strategy | workers | median | min – max | cv | process | speedup | efficiency |"
        rule = "|---|---:|---:|---:|---:|---:|---:|---:|"
        if "bound" in cols:
            head += " bound | vs bound |"
            rule += "---:|---:|"
        if "default" in cols:
            head += " vs default |"
            rule += "---:|"
        args = rows[0]["args"] if all(p["vary"] == "-" for p in rows) else \
            rows[0]["args"].split(" --")[0]
        out += ["", f"## {series_title(plugins, wl, se, args)}", "", head + " verified |",
                rule + "---|"]
        out += [summary_row(p, cols) for p in rows]
    write_atomic(path, "\n".join(out) + "\n")


def hyperfine_entry(p):
    """A point as one entry of a hyperfine export, with the in-process clock
    in times/mean/median/... (what concbench's charts draw) and a readable
    command name ("io threads w=8")."""
    ip = p["inproc"] or {}
    name = f"{p['workload']} {p['strategy']}"
    if p["vary"] != "-":
        name += f" {p['vary']}={p['value']}"
    if p["series"] != p["workload"]:
        name = f"{p['workload']}/{p['series']} " + name.split(" ", 1)[1]
    return {"command": f"{name} w={p['workers']}", "mean": ip.get("mean"),
            "stddev": ip.get("stddev"), "median": ip.get("median"), "min": ip.get("min"),
            "max": ip.get("max"), "times": ip.get("times", []), "user": p.get("user_s"),
            "system": p.get("sys_s"), "exit_codes": p["exit_codes"],
            "parameters": {"workers": str(p["workers"]),
                           **({p["vary"]: str(p["value"])} if p["vary"] != "-" else {})}}


def write_hyperfine(run, results):
    """hyperfine/SERIES.json (every point: plot_whisker.py draws a box per
    point) and hyperfine/SERIES-STRATEGY.json (one strategy against
    workers: plot_parametrized.py --parameter-name workers), each in
    hyperfine's export shape, with the in-process clock."""
    out = os.path.join(run, "hyperfine")
    os.makedirs(out, exist_ok=True)
    groups = {}
    for p in results:
        if p["inproc"]:
            groups.setdefault(f"{p['workload']}-{p['series']}", []).append(p)
    for name, pts in groups.items():
        write_atomic(os.path.join(out, f"{name}.json"),
                     json.dumps({"results": [hyperfine_entry(p) for p in pts]}, indent=1))
        for st in dict.fromkeys(p["strategy"] for p in pts):
            mine = [p for p in pts if p["strategy"] == st]
            if len(mine) > 1 and len({p["value"] for p in mine}) == 1:
                write_atomic(os.path.join(out, f"{name}-{st}.json"),
                             json.dumps({"results": [hyperfine_entry(p) for p in mine]}, indent=1))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: merge.py RUN_DIR")
    run = sys.argv[1]
    machine = load_json(os.path.join(run, "machine.json"))
    plugins = load_json(os.path.join(run, "plugins.json"))
    if machine is None or plugins is None:
        sys.exit(f"merge: {run} has no readable machine.json or plugins.json")
    contenders = (load_json(os.path.join(run, "contenders.json")) or {}).get("contenders", [])
    runs = machine["parameters"]["runs"]
    rows = read_plan(run)
    distributed = {st["name"] for st in plugins["strategies"] if "distributed" in st["caps"]}
    for r in rows:
        r["distributed"] = r["strategy"] in distributed
    hf = hyperfine_samples(run, rows, runs)
    results = [point(r, hf, inproc_samples(run, r["key"], runs), runs) for r in rows]
    add_ratios(results, plugins, contenders)
    results.sort(key=sort_key(plugins, contenders))
    # The schema names how points are measured and named: `concbench compare`
    # refuses to set runs of different schemas side by side.
    doc = {"schema": SCHEMA, "machine": machine, "plugins": plugins, "contenders": contenders,
           "results": results}
    write_atomic(os.path.join(run, "results.json"), json.dumps(doc, indent=1))
    write_csv(os.path.join(run, "results.csv"), results)
    write_summary(os.path.join(run, "summary.md"), machine, plugins, results)
    write_hyperfine(run, results)


if __name__ == "__main__":
    main()
