#!/usr/bin/env python3
"""plan.py PLUGINS_JSON [CONTENDERS_JSON]: the make-bench matrix, from the binary's own registry.

Reads `concbench list --json` (saved as PLUGINS_JSON), the programs that
run beside the strategies (CONTENDERS_JSON, scripts/python/contenders.json:
the course's CPython programs and curl) and the knobs in the environment,
and prints the plan as tab-separated lines, one per point:

    key  workload  series  strategy  vary  value  workers  args  fetches  program

("-" stands for none: bash's read would merge empty fields; program is "-"
for concbench's own strategies, else the contender's program, which takes
the same options.)

Every workload brings its bench series (options, worker counts, chart);
every strategy runs every series unless the series names one strategy
(`only`). A strategy limited to one worker (the baseline) runs once per
series, at 1. A series that varies an option (`vary`, e.g. --sync) has one
point per choice. Nothing here names a strategy or a workload.

A contender joins only the series it names, with that series' worker
counts and options unless it gives its own (its size: CPython runs the
heavy kernel ~100x slower than C; fewer worker counts, where each sample
costs seconds) and its own subset of a swept option's values.

Knobs: QUICK=1 (the series' quick options and worker counts), STRATEGIES
(space-separated names to keep, contenders' names included) and WORKLOADS, WORKERS (worker counts for
every series), <WORKLOAD>_WORKERS (for one workload, e.g. IO_WORKERS),
CORES (what `cores` and `2xcores` in a worker list mean; default: the machine's).

Exit status 2 with a message when a knob names nothing that exists.
Standard library only.
"""

import json
import os
import sys


def die(msg):
    print(f"plan: {msg}", file=sys.stderr)
    sys.exit(2)


def words(name):
    v = os.environ.get(name, "").split()
    return v or None


def worker_counts(spec, cores):
    """The counts a spec names: whole numbers, `cores` (the machine's) and
    `2xcores` (twice that: every worker has a rival for its core), sorted,
    each once."""
    counts = set()
    for word in spec.split():
        if word == "cores":
            counts.add(cores)
        elif word == "2xcores":
            counts.add(2 * cores)
        elif word.isdigit() and int(word) >= 1:
            counts.add(int(word))
        else:
            die(f"worker counts are whole numbers, cores or 2xcores, not '{word}' in '{spec}'")
    if not counts:
        die(f"no worker count in '{spec}'")
    return sorted(counts)


def pick(kind, all_names, wanted):
    if wanted is None:
        return all_names
    unknown = [w for w in wanted if w not in all_names]
    if unknown:
        die(f"unknown {kind} {', '.join(unknown)} (known: {', '.join(all_names)})")
    return [n for n in all_names if n in wanted]


def plan(plugins, env_quick, contenders=()):
    cores = int(os.environ.get("CORES") or plugins.get("cores") or os.cpu_count() or 1)
    strategies = {s["name"]: dict(s, program="-") for s in plugins["strategies"]}
    for c in contenders:
        strategies[c["name"]] = dict(c, program=None)
    s_names = pick("strategy", list(strategies), words("STRATEGIES"))
    w_names = pick("workload", [w["name"] for w in plugins["workloads"]], words("WORKLOADS"))
    rows = []
    for wl in plugins["workloads"]:
        if wl["name"] not in w_names:
            continue
        fetches = "fetches" in wl["caps"]
        for se in wl["series"]:
            args = se["quick_args"] if env_quick else se["args"]
            asked = os.environ.get(f"{wl['name'].upper()}_WORKERS") or os.environ.get("WORKERS")
            spec = asked or (se["quick_workers"] if env_quick else se["workers"])
            counts = worker_counts(spec, cores)
            values = [None]
            if se["vary"]:
                opt = next(o for o in wl["options"] if o["name"] == se["vary"])
                listed = se.get("quick_values" if env_quick else "values")
                values = listed.split() if listed else opt["choices"]
            for st in s_names:
                if se["only"] and st != se["only"]:
                    continue
                program, st_args, st_values = strategies[st]["program"], args, values
                if program is None:  # a contender: only where it says, as it says
                    joins = strategies[st]["series"].get(f"{wl['name']}/{se['id']}")
                    if not joins:
                        continue
                    program = joins["program"]
                    st_args = joins.get("quick_args" if env_quick else "args", args)
                    own = joins.get("quick_workers" if env_quick else "workers")
                    listed = joins.get("quick_values" if env_quick else "values")
                    if listed:
                        st_values = [v for v in values if v in listed.split()]
                else:
                    own = None
                # The counts a user asked for (WORKERS, IO_WORKERS...) are
                # everyone's; a contender's own counts only replace the
                # series' defaults.
                st_counts = worker_counts(own, cores) if own and not asked else counts
                one = strategies[st]["max_workers"] == 1
                cap = strategies[st]["max_workers"]
                for value in st_values:
                    # A strategy capped at N workers runs the counts up to N.
                    for w in ([min(st_counts)] if one else [c for c in st_counts if not cap or c <= cap]):
                        if one:
                            w = 1
                        key = "-".join([wl["name"], se["id"], st] + ([value] if value else [])
                                       + [f"w{w}"])
                        point_args = st_args + (f" --{se['vary']} {value}" if value else "")
                        rows.append([key, wl["name"], se["id"], st, se["vary"] or "-",
                                     value or "-", str(w), point_args.strip() or "-",
                                     "fetches" if fetches else "-", program])
    if not rows:
        die("the chosen strategies and workloads make no point to run")
    return rows


def main():
    if len(sys.argv) not in (2, 3):
        die("usage: plan.py PLUGINS_JSON [CONTENDERS_JSON]")
    with open(sys.argv[1]) as f:
        plugins = json.load(f)
    contenders = []
    if len(sys.argv) == 3:
        with open(sys.argv[2]) as f:
            contenders = json.load(f)["contenders"]
    for row in plan(plugins, os.environ.get("QUICK") == "1", contenders):
        print("\t".join(row))


if __name__ == "__main__":
    main()
