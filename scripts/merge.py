#!/usr/bin/env python3
"""merge.py RUN_DIR: merge one `make bench` run into its result files.

Reads RUN_DIR/machine.json, hyperfine's exports RUN_DIR/raw/NAME.json and
the per-process `concbench run --json` lines RUN_DIR/raw/NAME-WORKERS.jsonl
(warm-up lines first), and writes:

  results.json  {"machine": ..., "results": [...]}: one entry per point in
                hyperfine's shape (command, mean, stddev, median, min, max,
                times, user, system, parameters, exit_codes: the whole-process
                clock) plus concbench's own fields (the in-process clock under
                "inproc", ok, failed, verified, rusage, latency, bound, speedup)
  results.csv   one row per point, the columns the gnuplot scripts read
  summary.md    Markdown tables: median, min-max, speedup, efficiency
  plot.inc      gnuplot variables for the chart scripts (machine, parameters)

Standard library only. Exit status 0 even when points failed: failures are
data, recorded as verified=false; the driver decides what they mean.
"""

import csv
import json
import math
import os
import statistics
import sys

# Columns 1..24 are what the chart scripts were first written against;
# new columns go at the end so those numbers never move.
CSV_COLUMNS = [
    "workload", "kernel", "strategy", "workers", "median_s", "min_s", "max_s", "mean_s",
    "stddev_s", "process_median_s", "process_min_s", "process_max_s", "speedup",
    "efficiency", "bound_s", "cpu_s", "max_rss_kb", "ctx_voluntary", "ctx_involuntary",
    "p50_ms", "p95_ms", "p99_ms", "verified", "runs",
    "sync", "expected_fail", "vs_local", "gil_switches", "gil_lock_wait_s",
]
STRATEGY_ORDER = ["sequential", "threads", "procs", "eventloop", "gil", "hybrid"]
WORKLOAD_ORDER = ["io", "cpu", "mixed"]


def read_jsonl(path, skip):
    """The timed runs' JSON objects of one point; unparsable lines are dropped
    (they count as missing runs, so the point cannot verify)."""
    runs = []
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return runs
    for line in lines[skip:]:
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and "wall_s" in obj:
            runs.append(obj)
    return runs


def med(values):
    return statistics.median(values) if values else None


def clock_stats(times):
    if not times:
        return None
    return {
        "mean": statistics.fmean(times),
        "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "times": times,
    }


def point(entry, name, meta, runs, machine):
    """One results.json entry from hyperfine's entry and the in-process runs."""
    params = machine["parameters"]
    workload, kernel, strategy = meta["workload"], meta["kernel"], meta["strategy"]
    workers = int(entry.get("parameters", {}).get("workers", 1))
    exit_codes = entry.get("exit_codes") or []
    complete = bool(runs) and len(runs) == params["runs"]
    p = dict(entry)
    p.update({
        "name": name,
        "workload": workload,
        "kernel": kernel,
        "strategy": strategy,
        "sync": meta["sync"],
        "workers": workers,
        "runs": len(runs),
        "inproc": clock_stats([r["wall_s"] for r in runs]),
    })
    p["verified"] = bool(
        complete
        and all(r.get("verified") is True for r in runs)
        and all(code == 0 for code in exit_codes)
    )
    # The race is meant to fail: a shared total with no synchronisation at
    # two or more workers. Expected only if every run ran to its verdict
    # (exit 0 or 1); a crash is never expected.
    p["expected_fail"] = bool(
        meta["sync"] == "none" and workers >= 2 and complete
        and all(code in (0, 1) for code in exit_codes)
    )
    if runs:
        last = runs[-1]
        p.update({
            "tasks": last.get("tasks"),
            "ok": min(r.get("ok", 0) for r in runs),
            "failed": max(r.get("failed", 0) for r in runs),
            "bytes": last.get("bytes"),
            "user_s": med([r["user_s"] for r in runs]),
            "sys_s": med([r["sys_s"] for r in runs]),
            "max_rss_kb": max(r["max_rss_kb"] for r in runs),
            "ctx_voluntary": med([r["ctx_voluntary"] for r in runs]),
            "ctx_involuntary": med([r["ctx_involuntary"] for r in runs]),
            "limits": last.get("limits"),
            "errors": {k: sum(r.get("errors", {}).get(k, 0) for r in runs)
                       for k in last.get("errors", {})},
        })
        if workload == "io":
            p["latency_ms"] = {q: med([r["latency_ms"][q] for r in runs if "latency_ms" in r])
                               for q in ("p50", "p95", "p99")}
        elif workload == "cpu":
            p.update({k: last.get(k) for k in ("sum", "expected", "n", "chunk", "work")})
            p["wrong_sums"] = sum(1 for r in runs if r.get("sum") != r.get("expected"))
        if workload == "mixed":
            p["work"] = last.get("work")
        if any("gil" in r for r in runs):
            p["gil"] = {k: med([r["gil"][k] for r in runs if "gil" in r])
                        for k in ("switches", "forced_drops", "lock_wait_s", "switch_interval_ms")}
    if workload == "io":
        n, delay = params["files"], params["delay_ms"] / 1000.0
        p["bound_s"] = (n if strategy == "sequential" else math.ceil(n / workers)) * delay
    return p


def add_speedups(results):
    base, local = {}, {}
    for p in results:
        if p["strategy"] == "sequential" and p["inproc"]:
            base[(p["workload"], p["kernel"])] = p["inproc"]["median"]
        if p["kernel"] == "sync" and p["sync"] == "local" and p["inproc"]:
            local[p["workers"]] = p["inproc"]["median"]
    for p in results:
        b = base.get((p["workload"], p["kernel"]))
        if b and p["inproc"]:
            p["speedup"] = b / p["inproc"]["median"]
            p["efficiency"] = p["speedup"] / p["workers"]
        lo = local.get(p["workers"]) if p["kernel"] == "sync" else None
        if lo and p["inproc"]:
            p["vs_local"] = p["inproc"]["median"] / lo


def fmt(v, spec=".3f"):
    return "" if v is None else format(v, spec)


def write_csv(path, results):
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        for p in results:
            ip = p["inproc"] or {}
            lat = p.get("latency_ms") or {}
            cpu = (p["user_s"] + p["sys_s"]) if p.get("user_s") is not None else None
            w.writerow([
                p["workload"], p["kernel"], p["strategy"], p["workers"],
                fmt(ip.get("median"), ".6f"), fmt(ip.get("min"), ".6f"),
                fmt(ip.get("max"), ".6f"), fmt(ip.get("mean"), ".6f"),
                fmt(ip.get("stddev"), ".6f"),
                fmt(p.get("median"), ".6f"), fmt(p.get("min"), ".6f"), fmt(p.get("max"), ".6f"),
                fmt(p.get("speedup"), ".4f"), fmt(p.get("efficiency"), ".4f"),
                fmt(p.get("bound_s"), ".6f"), fmt(cpu, ".6f"), p.get("max_rss_kb", ""),
                p.get("ctx_voluntary", ""), p.get("ctx_involuntary", ""),
                fmt(lat.get("p50")), fmt(lat.get("p95")), fmt(lat.get("p99")),
                1 if p["verified"] else 0, p["runs"],
                p["sync"], 1 if p["expected_fail"] else 0, fmt(p.get("vs_local"), ".4f"),
                fmt((p.get("gil") or {}).get("switches"), ".0f"),
                fmt((p.get("gil") or {}).get("lock_wait_s"), ".6f"),
            ])
    os.replace(path + ".tmp", path)


def write_summary(path, machine, results):
    prm = machine["parameters"]
    out = [
        "# concbench results",
        "",
        f"{machine['date']} on {machine['cpu_model']}, {machine['cores']} cores, "
        f"{machine['kernel']}; {machine['compiler']} `{machine['cflags'].strip()}`, "
        f"libcurl {machine['libcurl']}, libevent {machine['libevent']}.",
        "",
        f"Times are the in-process clock (median of {prm['runs']} runs after "
        f"{prm['warmup']} warm-up); \"process\" is hyperfine's whole-process median. "
        "Speedup is against sequential on the same workload; efficiency is speedup / workers.",
    ]
    groups = [("io", "-", f"io: {prm['files']} files, {prm['delay_ms']} ms server delay"),
              ("cpu", "sum", f"cpu, sum kernel: n = {prm['sum_n']}"),
              ("cpu", "heavy", f"cpu, heavy kernel: n = {prm['cpu_n']}, work = {prm['cpu_work']}"),
              ("cpu", "sync", f"cpu, sync modes (threads, sum kernel): n = {prm['sync_n']}"),
              ("mixed", "-", f"mixed: {prm['files']} files, {prm['delay_ms']} ms delay, "
                             f"{prm['mixed_work']} rounds per word")]
    for workload, kernel, title in groups:
        rows = [p for p in results if p["workload"] == workload and p["kernel"] == kernel]
        if not rows:
            continue
        bound_col = workload == "io"
        sync_col = kernel == "sync"
        out += ["", f"## {title}", "",
                "| strategy | workers | median | min – max | process | speedup | efficiency |"
                + (" bound | vs bound |" if bound_col else "")
                + (" vs local |" if sync_col else "") + " verified |",
                "|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if bound_col else "")
                + ("---:|" if sync_col else "") + "---|"]
        for p in rows:
            ip = p["inproc"]
            name = f"{p['strategy']} --sync {p['sync']}" if sync_col else p["strategy"]
            cells = [name, str(p["workers"])]
            if ip:
                cells += [f"{ip['median']:.3f} s", f"{ip['min']:.3f} – {ip['max']:.3f} s"]
            else:
                cells += ["–", "–"]
            cells.append(f"{p['median']:.3f} s" if p.get("median") is not None else "–")
            cells.append(f"{p['speedup']:.2f}x" if "speedup" in p else "–")
            cells.append(f"{p['efficiency'] * 100:.0f} %" if "efficiency" in p else "–")
            if bound_col:
                cells.append(f"{p['bound_s']:.3f} s")
                cells.append(f"{ip['median'] / p['bound_s']:.2f}x" if ip else "–")
            if sync_col:
                cells.append(f"{p['vs_local']:.2f}x" if "vs_local" in p else "–")
            if p["verified"]:
                cells.append("yes" if not p["expected_fail"] else "yes (**the race did not show**)")
            else:
                cells.append("no, as expected: lost updates" if p["expected_fail"] else "**NO**")
            out.append("| " + " | ".join(cells) + " |")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(out) + "\n")
    os.replace(path + ".tmp", path)


def gp_string(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_plot_inc(path, machine, results):
    prm = machine["parameters"]

    def bar_workers(workload):
        have = sorted({p["workers"] for p in results
                       if p["workload"] == workload and p["strategy"] != "sequential"})
        fit = [w for w in have if w <= prm["bar_workers"]]
        return fit[-1] if fit else (have[0] if have else 1)

    machine_line = (f"{machine['cpu_model']}, {machine['cores']} cores, {machine['kernel']}, "
                    f"{machine['compiler']}, libcurl {machine['libcurl']}, {machine['date'][:10]}")
    lines = {
        "machine": gp_string(machine_line),
        "files": prm["files"],
        "delay_s": prm["delay_ms"] / 1000.0,
        "delay_ms": prm["delay_ms"],
        "cores": machine["cores"],
        "runs": prm["runs"],
        "sum_n": prm["sum_n"],
        "cpu_n": prm["cpu_n"],
        "cpu_work": prm["cpu_work"],
        "sync_n": prm["sync_n"],
        "mixed_work": prm["mixed_work"],
        "mixed_bar_workers": max(prm["mixed_workers"]),
        "io_bar_workers": bar_workers("io"),
        "cpu_bar_workers": bar_workers("cpu"),
        "max_io_workers": max([p["workers"] for p in results if p["workload"] == "io"] or [1]),
        "max_cpu_workers": max([p["workers"] for p in results if p["workload"] == "cpu"] or [1]),
    }
    with open(path + ".tmp", "w") as f:
        f.write("# written by scripts/merge.py: parameters of this run for the chart scripts\n")
        for k, v in lines.items():
            f.write(f"{k} = {v}\n")
    os.replace(path + ".tmp", path)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: merge.py RUN_DIR")
    run = sys.argv[1]
    raw = os.path.join(run, "raw")
    with open(os.path.join(run, "machine.json")) as f:
        machine = json.load(f)
    skip = machine["parameters"]["warmup"]

    results = []
    for fname in sorted(os.listdir(raw)):
        if not fname.endswith(".meta.json"):
            continue
        name = fname[:-len(".meta.json")]
        with open(os.path.join(raw, fname)) as f:
            meta = json.load(f)
        fname = name + ".json"
        try:
            with open(os.path.join(raw, fname)) as f:
                export = json.load(f)
        except (OSError, ValueError) as e:
            print(f"merge: skipping {fname}: {e}", file=sys.stderr)
            continue
        for entry in export.get("results", []):
            w = entry.get("parameters", {}).get("workers", "1")
            runs = read_jsonl(os.path.join(raw, f"{name}-{w}.jsonl"), skip)
            results.append(point(entry, name, meta, runs, machine))

    order = {s: i for i, s in enumerate(STRATEGY_ORDER)}
    sync_order = {m: i for i, m in enumerate(["local", "atomic", "mutex", "none", "-"])}
    results.sort(key=lambda p: (WORKLOAD_ORDER.index(p["workload"]), p["kernel"],
                                order.get(p["strategy"], 99), sync_order.get(p["sync"], 9),
                                p["workers"]))
    add_speedups(results)

    with open(os.path.join(run, "results.json.tmp"), "w") as f:
        json.dump({"machine": machine, "results": results}, f, indent=1)
    os.replace(os.path.join(run, "results.json.tmp"), os.path.join(run, "results.json"))
    write_csv(os.path.join(run, "results.csv"), results)
    write_summary(os.path.join(run, "summary.md"), machine, results)
    write_plot_inc(os.path.join(run, "plot.inc"), machine, results)


if __name__ == "__main__":
    main()
