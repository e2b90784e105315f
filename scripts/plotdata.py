#!/usr/bin/env python3
"""plotdata.py RUN_DIR: the data and the list of charts, for gnuplot.

Reads RUN_DIR/results.json (points, machine, the registry it ran with) and
writes RUN_DIR/plot/: one small data file per line or bar panel, one
include per chart (gnuplot arrays: each entry's file, name, colour, marker
and dash; each panel's kind, title and extra lines), plot.inc (what every
chart shares) and charts.txt (one line per chart: script and name), which
scripts/plot.sh draws.

Every strategy that ran appears on every chart of its series, in display
order, with the colour its plug-in asks for (a colour two strategies ask
for goes to the first; the next gets one of the palette's spare colours),
a marker and a dash of its own. Axes size themselves to what ran.

Chart kinds come from the workloads' series: latency (wall time against
workers, log axes, the latency bound and the baseline as lines), speedup
(speedup against workers, the ideal as a line; one panel per series of a
workload), modes (one strategy, one line per value of the varied option),
bars (median per strategy at one worker count). Besides: bars.png (every
series side by side), cost.png (CPU time and peak RSS per series) and
gil.png (each strategy with the gil capability beside its peer).
Standard library only.
"""

import json
import os
import sys
import textwrap

from merge import NOISY_CV, gbps, is_noisy, passes, strategies

# Okabe-Ito, colour-blind safe, then darker spares.
SPARE_COLORS = ["#56b4e9", "#f0e442", "#000000", "#882255", "#44aa99", "#999933", "#aa4499",
                "#332288", "#117733", "#661100"]
POINT_TYPES = [7, 5, 9, 11, 13, 15, 4, 6, 8, 10, 12, 14]
DASH_TYPES = [1, 2, 4, 5]  # 3 (dotted) is the CPython programs' own
# The programs beside concbench, in a style of their own: CPython's dotted
# with open markers, curl solid with stars.
FAMILY_STYLE = {"cpython": ([6, 4, 8, 10, 12, 14], 3), "curl": ([3], 1)}


def gp_str(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def gp_array(name, values, string=True):
    empty = gp_str("") if string else "0"
    vals = ", ".join(gp_str(v) if string else str(v) for v in values) or empty
    return f"array {name}[{max(len(values), 1)}] = [{vals}]"


class Styles:
    """Colour, marker and dash per strategy (and per varied value)."""

    def __init__(self, known):
        self.order = {s["name"]: k for k, s in enumerate(known)}
        self.family = {s["name"]: s.get("family", "concbench") for s in known}
        self.rank = {}  # place within its family
        for s in known:
            self.rank[s["name"]] = sum(1 for t in known[:self.order[s["name"]]]
                                       if self.family[t["name"]] == self.family[s["name"]])
        self.color, used, spare = {}, set(), list(SPARE_COLORS)
        for s in known:
            c = (s.get("color") or "").lower()
            if not c or c in used:
                c = next((x for x in spare if x not in used), "#777777")
            used.add(c)
            self.color[s["name"]] = c
        self.spare = [x for x in SPARE_COLORS if x not in used] + ["#777777"]

    def of(self, strategy, value_index=None):
        k = self.order.get(strategy, len(self.order))
        if value_index is not None:  # one strategy, several values: style by value
            return (self.spare[value_index % len(self.spare)] if value_index else
                    self.color.get(strategy, "#777777"),
                    POINT_TYPES[value_index % len(POINT_TYPES)],
                    DASH_TYPES[value_index % len(DASH_TYPES)])
        fam = FAMILY_STYLE.get(self.family.get(strategy))
        if fam:
            points, dash = fam
            return (self.color.get(strategy, "#777777"),
                    points[self.rank[strategy] % len(points)], dash)
        return (self.color.get(strategy, "#777777"), POINT_TYPES[k % len(POINT_TYPES)],
                DASH_TYPES[k % len(DASH_TYPES)])


class Chart:
    """Panels of entries, written as one include and its data files."""

    def __init__(self, name, script, title):
        self.name, self.script, self.title = name, script, title
        self.panels, self.entries = [], []
        self.values = {}  # scalars the chart's script reads (name = number)

    def panel(self, kind, title, xlabel, ylabel, extra="", base=None, base_name="", noisy=""):
        self.panels.append({"kind": kind, "title": title, "xlabel": xlabel, "ylabel": ylabel,
                            "extra": extra, "base": base, "base_name": base_name,
                            "noisy": noisy, "first": len(self.entries) + 1})

    def entry(self, name, style, rows):
        self.entries.append({"name": name, "style": style, "rows": rows})

    def prune(self):
        """Drop the panels that got no entry (a restricted matrix: a
        speedup panel without its baseline, a series no strategy ran);
        returns their titles."""
        keep, entries, dropped = [], [], []
        bounds = [p["first"] - 1 for p in self.panels] + [len(self.entries)]
        for k, p in enumerate(self.panels):
            mine = self.entries[bounds[k]:bounds[k + 1]]
            if not mine or not any(e["rows"] for e in mine):
                dropped.append(p["title"])
                continue
            p["first"] = len(entries) + 1
            keep.append(p)
            entries += mine
        self.panels, self.entries = keep, entries
        return dropped

    def write(self, plot_dir):
        files = []
        for k, e in enumerate(self.entries):
            fname = f"{self.name}-e{k + 1}.dat"
            with open(os.path.join(plot_dir, fname), "w") as f:
                for row in e["rows"]:
                    f.write(" ".join(str(v) for v in row) + "\n")
            files.append(fname)
        last = [p2["first"] - 1 for p2 in self.panels[1:]] + [len(self.entries)]
        # A panel whose points all sit at one x (a QUICK run's one worker
        # count) gets a range around it: gnuplot cannot fit one to a point.
        xranges = []
        for p, end in zip(self.panels, last):
            xs = {row[0] for e in self.entries[p["first"] - 1:end] for row in e["rows"]}
            if len(xs) == 1:
                x = xs.pop()
                xranges.append(f"[{x / 2:g}:{x * 2:g}]" if x > 0 else "")
            elif p["kind"] == "speedup" and xs:
                # The axes, and the ideal and ceiling lines on them, start
                # and end where points were measured.
                xranges.append(f"[{min(xs) - 0.3:g}:{max(xs) + 0.3:g}]")
            else:
                xranges.append("")
        # A long title wraps: the chart is 1280 px wide.
        title = "\n".join(textwrap.wrap(self.title, 125))
        lines = [f"chart_title = {gp_str(title)}",
                 gp_array("efile", files), gp_array("ename", [e["name"] for e in self.entries]),
                 gp_array("ecolor", [e["style"][0] for e in self.entries]),
                 gp_array("ept", [e["style"][1] for e in self.entries], False),
                 gp_array("edt", [e["style"][2] for e in self.entries], False),
                 gp_array("pkind", [p["kind"] for p in self.panels]),
                 gp_array("ptitle", [p["title"] for p in self.panels]),
                 gp_array("pxlabel", [p["xlabel"] for p in self.panels]),
                 gp_array("pylabel", [p["ylabel"] for p in self.panels]),
                 gp_array("pextra", [p["extra"] for p in self.panels]),
                 gp_array("pbase", [p["base"] if p["base"] is not None else -1
                                    for p in self.panels], False),
                 gp_array("pbasename", [p["base_name"] for p in self.panels]),
                 gp_array("pnoisy", [p["noisy"] for p in self.panels]),
                 gp_array("pxrange", xranges),
                 gp_array("pfirst", [p["first"] for p in self.panels], False),
                 gp_array("plast", last, False)]
        lines += [f"{k} = {v}" for k, v in self.values.items()]
        with open(os.path.join(plot_dir, f"{self.name}.inc"), "w") as f:
            f.write("\n".join(lines) + "\n")


def med(p):
    return p["inproc"]["median"] if p.get("inproc") else None


def label(p):
    return p["strategy"] + (f" {p['vary']}={p['value']}" if p["vary"] != "-" else "")


class Plotter:
    def __init__(self, doc, plot_dir):
        self.doc, self.dir = doc, plot_dir
        self.machine = doc["machine"]
        self.plugins = doc["plugins"]
        self.points = [p for p in doc["results"] if p.get("inproc")]
        known = strategies(self.plugins, doc.get("contenders") or [])
        self.styles = Styles(known)
        self.caps = {s["name"]: s["caps"] for s in known}
        self.family = {s["name"]: s["family"] for s in known}
        self.distributed = {s for s, caps in self.caps.items() if "distributed" in caps}
        self.charts = []
        os.makedirs(plot_dir, exist_ok=True)

    def series_list(self):
        out = []
        for wl in self.plugins["workloads"]:
            for se in wl["series"]:
                pts = [p for p in self.points if (p["workload"], p["series"]) == (wl["name"], se["id"])]
                if pts:
                    out.append((wl, se, pts))
        return out

    def is_base(self, strategy):
        return "baseline" in self.caps.get(strategy, [])

    def is_main_base(self, strategy):
        """concbench's own baseline: the flat line of a latency panel."""
        return self.is_base(strategy) and self.family.get(strategy) == "concbench"

    def name_of(self, strategy):
        """The legend's name: a contender says what it is and which version ran."""
        fam = self.family.get(strategy)
        ran = next((p for p in self.points if p["strategy"] == strategy), {})
        if fam == "cpython":
            return f"{strategy} (CPython {ran.get('python', '3')}, real GIL)"
        if fam == "curl":
            return f"{strategy} (curl {ran.get('curl', '')} --parallel)"
        return strategy

    def by_strategy(self, pts):
        names = []
        for p in pts:
            key = (p["strategy"], p["value"])
            if key not in names:
                names.append(key)
        return [(s, v, sorted([p for p in pts if (p["strategy"], p["value"]) == (s, v)],
                              key=lambda p: p["workers"])) for s, v in names]

    def noisy_file(self, chart, points):
        """The (x, y) of the noisy points of a panel about to be added, in a
        file of their own (ringed by lines.gp); "" when there are none."""
        points = [xy for xy in points if xy is not None]
        if not points:
            return ""
        name = f"{chart.name}-noisy{len(chart.panels) + 1}.dat"
        with open(os.path.join(self.dir, name), "w") as f:
            f.writelines(f"{x} {y}\n" for x, y in points)
        return name

    def bandwidth_file(self, chart, pts):
        """The speedup the memory allows: what the machine reads with
        min(w, measured) threads over what the baseline read, for the
        workers of this panel."""
        bw = self.machine.get("bandwidth") or {}
        base = [p for p in pts if self.is_base(p["strategy"])]
        base_gbps = gbps(base[0]) if base else None
        if not bw.get("threads_1_gbps") or not base_gbps:
            return ""
        measured = sorted(int(k.split("_")[1]) for k in bw if k.startswith("threads_"))
        name = f"{chart.name}-ceiling{len(chart.panels) + 1}.dat"
        with open(os.path.join(self.dir, name), "w") as f:
            for w in sorted({p["workers"] for p in pts} | {1}):
                t = max(m for m in measured if m <= w)
                f.write(f"{w} {bw[f'threads_{t}_gbps'] / base_gbps}\n")
        return name

    def chart_name(self, wl, se):
        ids = [s["id"] for w in self.plugins["workloads"] for s in w["series"]]
        return se["id"] if ids.count(se["id"]) == 1 else f"{wl['name']}-{se['id']}"

    # ---- line panels --------------------------------------------------
    def latency_panel(self, chart, wl, se, pts, only=None):
        base = [p for p in pts if self.is_main_base(p["strategy"])]
        bound = sorted({(p["workers"], p["bound_s"]) for p in pts
                        if p.get("bound_s") and not self.is_base(p["strategy"])})
        extra = ""
        if bound:
            extra = f"{chart.name}-bound{len(chart.panels)}.dat"
            with open(os.path.join(self.dir, extra), "w") as f:
                f.writelines(f"{w} {b}\n" for w, b in bound)
        shown = [p for p in pts if not self.is_base(p["strategy"])
                 and (not only or p["strategy"] in only)]
        noisy = self.noisy_file(chart, [(p["workers"], med(p)) for p in shown if is_noisy(p)])
        chart.panel("latency", f"{wl['name']}: {se['title']}",
                    "workers (threads, processes, or transfers in flight)",
                    f"wall time, s (in-process median; bars: min-max)", extra,
                    med(base[0]) if base else None, f"{base[0]['strategy']}" if base else "", noisy)
        xs = sorted({p["workers"] for p in shown}) or [1]
        for s, v, rows in self.by_strategy(pts):
            if self.is_main_base(s) or (only and s not in only):
                continue
            if self.is_base(s):  # another family's baseline: flat, like ours
                p = rows[0]
                chart.entry(f"{self.name_of(s)}: 1 worker", self.styles.of(s),
                            [(w, med(p), p["inproc"]["min"], p["inproc"]["max"]) for w in xs])
                continue
            chart.entry(self.name_of(s), self.styles.of(s),
                        [(p["workers"], med(p), p["inproc"]["min"], p["inproc"]["max"]) for p in rows])

    def speedup_panel(self, chart, wl, se, pts, only=None):
        shown = [p for p in pts if not self.is_base(p["strategy"]) and "speedup" in p
                 and (not only or p["strategy"] in only)]
        noisy = self.noisy_file(chart, [(p["workers"], p["speedup"]) for p in shown
                                        if is_noisy(p)])
        ceiling = self.bandwidth_file(chart, pts) if se.get("ceiling") == "bandwidth" else ""
        ylabel = "speedup over the baseline (bars: min-max)"
        if any(self.family.get(p["strategy"]) == "cpython" for p in shown):
            ylabel = "speedup (py-*: over py-sequential; bars: min-max)"
        chart.panel("speedup", f"{wl['name']}: {se['title']}", "workers", ylabel, ceiling, None,
                    "", noisy)
        for s, v, rows in self.by_strategy(pts):
            if self.is_base(s) or (only and s not in only):
                continue
            rows = [p for p in rows if "speedup" in p]
            if rows:
                b = rows[0]["speedup"] * med(rows[0])
                chart.entry(self.name_of(s), self.styles.of(s),
                            [(p["workers"], p["speedup"], b / p["inproc"]["max"],
                              b / p["inproc"]["min"]) for p in rows])

    def modes_panel(self, chart, wl, se, pts):
        wrong = [(p["workers"], med(p)) for p in pts if p.get("wrong_runs")]
        extra = ""
        if wrong:
            extra = f"{chart.name}-wrong.dat"
            with open(os.path.join(self.dir, extra), "w") as f:
                f.writelines(f"{w} {m}\n" for w, m in wrong)
        noisy = self.noisy_file(chart, [(p["workers"], med(p)) for p in pts if is_noisy(p)])
        chart.panel("modes", f"{wl['name']}: {se['title']}", "workers",
                    "wall time, s (in-process median, log)", extra, None, "", noisy)
        for k, (s, v, rows) in enumerate(self.by_strategy(pts)):
            chart.entry(f"{s} --{se['vary']} {v}", self.styles.of(s, k),
                        [(p["workers"], med(p), p["inproc"]["min"], p["inproc"]["max"]) for p in rows])

    def sweep_panel(self, chart, wl, se, pts):
        """Wall time per pass over the data against the swept option's
        value, a line per strategy (a slow program may make fewer passes)."""
        noisy = self.noisy_file(chart, [(float(p["value"]), med(p) / passes(p))
                                        for p in pts if is_noisy(p)])
        w = max(p["workers"] for p in pts)
        chart.panel("sweep", f"{wl['name']}: {se['title']} ({w} workers; the baseline 1)",
                    f"--{se['vary']} (log)", "wall time per pass, s (median, log)",
                    "", None, "", noisy)
        for s, v, rows in self.by_strategy_sweep(pts):
            chart.entry(self.name_of(s), self.styles.of(s),
                        [(float(p["value"]), med(p) / passes(p), p["inproc"]["min"] / passes(p),
                          p["inproc"]["max"] / passes(p)) for p in rows])

    def by_strategy_sweep(self, pts):
        names = []
        for p in pts:
            if p["strategy"] not in names:
                names.append(p["strategy"])
        return [(s, None, sorted([p for p in pts if p["strategy"] == s], key=lambda p: float(p["value"])))
                for s in names]

    # ---- bar panels ---------------------------------------------------
    def bar_workers(self, pts, most=None):
        have = sorted({p["workers"] for p in pts if not self.is_base(p["strategy"])})
        if most is None:
            return have[-1] if have else 1
        fit = [w for w in have if w <= most]
        return fit[-1] if fit else (have[0] if have else 1)

    def bar_panel(self, chart, title, ylabel, pts, workers, value):
        rows = []
        for s, v, group in self.by_strategy(pts):
            at = [p for p in group if p["workers"] == workers or self.is_base(s)]
            if at and value(at[0]) is not None:
                p = at[0]
                lo, hi = (p["inproc"]["min"], p["inproc"]["max"]) if value is med else (value(p),) * 2
                name = label(p)
                if chart.name == "cost" and s in self.distributed:
                    name += " (rank 0 only)"  # its other ranks are mpirun's children, not its own
                rows.append((name, value(p), lo, hi, int(self.styles.of(s)[0][1:], 16)))
        chart.panel("bars", title, "", ylabel, "", None, "")
        chart.entry("bars", ("#000000", 0, 0),
                    [(k, v, lo, hi, c, json.dumps(n)) for k, (n, v, lo, hi, c) in enumerate(rows)])

    # ---- the charts -----------------------------------------------------
    def make(self):
        speedup_by_wl = {}
        for wl, se, pts in self.series_list():
            kind = se["chart"]
            if kind == "speedup":
                speedup_by_wl.setdefault(wl["name"], []).append((wl, se, pts))
                continue
            c = Chart(self.chart_name(wl, se), "lines" if kind != "bars" else "bars",
                      f"{wl['name']}: {se['title']}")
            if kind == "latency":
                self.latency_panel(c, wl, se, pts)
            elif kind == "modes":
                self.modes_panel(c, wl, se, pts)
            elif kind == "sweep":
                self.sweep_panel(c, wl, se, pts)
            else:
                w = self.bar_workers(pts)
                self.bar_panel(c, f"{se['title']}: median at {w} workers", "wall time, s", pts, w, med)
            self.charts.append(c)
        for name, group in speedup_by_wl.items():
            c = Chart(name, "lines", f"{name}: speedup over the baseline")
            for wl, se, pts in group:
                self.speedup_panel(c, wl, se, pts)
            self.charts.append(c)
        self.overview_charts()
        self.gil_chart()
        self.timeline_chart()

    def overview_charts(self):
        bars = Chart("bars", "bars", "Median wall time per strategy, one worker count per series")
        cost = Chart("cost", "bars", "What each run costs: CPU time (user + sys, children "
                     "included) and peak memory (PSS: a page shared by n processes counts 1/n "
                     "in each), per series" + ("; a distributed strategy's bars count its rank 0 "
                     "only" if self.distributed else ""))
        for wl, se, pts in self.series_list():
            if se["chart"] == "sweep":
                continue  # a bar per swept value would crowd the panel: its own chart shows it
            w = self.bar_workers(pts, self.machine["parameters"]["bar_workers"])
            t = f"{wl['name']} / {se['id']} at {w} workers"
            self.bar_panel(bars, t, "wall time, s", pts, w, med)
            self.bar_panel(cost, f"{t}: CPU time", "user + sys, s", pts, w,
                           lambda p: (p["user_s"] + p["sys_s"]) if p.get("user_s") is not None else None)
            if any(p.get("max_pss_kb") for p in pts):  # shared pages counted once
                self.bar_panel(cost, f"{t}: peak PSS, summed over the run's processes", "MiB",
                               pts, w, lambda p: p["max_pss_kb"] / 1024 if p.get("max_pss_kb") else None)
            else:
                self.bar_panel(cost, f"{t}: peak RSS", "MiB", pts, w,
                               lambda p: p["max_rss_kb"] / 1024 if p.get("max_rss_kb") else None)
        self.charts += [bars, cost]

    def gil_chart(self):
        gils = [s["name"] for s in self.plugins["strategies"]
                if "gil" in s["caps"] and s.get("peer")]
        cpython = {s for s, f in self.family.items() if f == "cpython"}
        c = Chart("gil", "lines", "Threads with and without a global interpreter lock: C threads, "
                  "concbench's emulated GIL and CPython's real one")
        for g in gils:
            peer = next(s["peer"] for s in self.plugins["strategies"] if s["name"] == g)
            for wl, se, pts in self.series_list():
                ran = {p["strategy"] for p in pts}
                if g not in ran or peer not in ran:
                    continue
                if se["chart"] == "speedup":
                    self.speedup_panel(c, wl, se, pts, only={g, peer} | cpython)
                elif se["chart"] == "latency":
                    self.latency_panel(c, wl, se, pts, only={g, peer} | cpython)
        if c.panels:
            self.charts.append(c)

    def timeline_chart(self):
        """One Gantt panel per strategy from raw/trace-<strategy>.json
        (bench.sh's traced run of 24 uneven files at 4 workers): a bar per
        task on the lane of the worker that ran it; the event loop's
        transfers, which overlap on its one thread, stacked on rows."""
        raw = os.path.join(os.path.dirname(self.dir), "raw")
        tl = self.machine.get("parameters", {}).get("timeline") or {}
        if tl.get("files") and tl.get("delays_ms"):
            d = tl["delays_ms"]
            what = (f"{tl['files']} files of {', '.join(map(str, d[:-1]))} and {d[-1]} ms"
                    if len(d) > 1 else f"{tl['files']} files of {d[0]} ms")
        else:  # a run that did not record them: say only what is sure
            what = "a small run of uneven files"
        c = Chart("timeline", "timeline", f"Timeline: {what} at 4 workers, each task "
                  "a bar on the lane that ran it")
        for st in self.plugins["strategies"]:
            path = os.path.join(raw, f"trace-{st['name']}.json")
            try:
                with open(path) as f:
                    events = json.load(f)["traceEvents"]
            except (OSError, ValueError, KeyError):
                continue
            spans, begins = [], {}
            for e in events:
                if e.get("cat") != "task" or not str(e.get("name", "")).startswith("task "):
                    continue  # a strategy's own spans, a task's stages: the task is enough here
                task = (e.get("args") or {}).get("task")
                if e.get("ph") == "X":
                    lane = e["pid"] - 1 if "processes" in st["caps"] else e["tid"] - 1
                    spans.append((e["ts"] / 1000, (e["ts"] + e["dur"]) / 1000, lane, task))
                elif e.get("ph") == "b":
                    begins[e["id"]] = (e["ts"], task)
                elif e.get("ph") == "e" and e["id"] in begins:
                    ts, task = begins.pop(e["id"])
                    spans.append((ts / 1000, e["ts"] / 1000, None, task))
            if not spans:
                continue
            if any(l is None for _, _, l, _ in spans):  # stack overlapping spans on rows
                rows_end, placed = [], []
                for start, end, _, task in sorted(spans, key=lambda x: x[:2]):
                    k = next((k for k, r in enumerate(rows_end) if r <= start), len(rows_end))
                    rows_end[k:k + 1] = [end]
                    placed.append((start, end, k, task))
                spans = placed
                ylabel = "in flight on its one thread"
            else:
                ylabel = "process" if "processes" in st["caps"] else "thread"
            lanes = max(l for _, _, l, _ in spans) + 1
            c.panel("timeline", st["name"], "ms since the run began", ylabel, str(lanes))
            # Each bar carries its task's number in submission order (1 first).
            c.entry(st["name"], self.styles.of(st["name"]),
                    [(round(a, 3), round(b, 3), l, "-" if t is None else t + 1)
                     for a, b, l, t in spans])
        if c.panels:  # one time axis for all, so the panels compare at a glance
            c.values["tmax"] = max(r[1] for e in c.entries for r in e["rows"])
            self.charts.append(c)
        self.gil_timeline_chart(raw)

    def gil_timeline_chart(self, raw):
        """Each strategy with an interpreter lock and its peer, on a short
        heavy-kernel run at 2 threads (raw/trace-cpu-<strategy>.json): the
        tasks on each thread's lane, and when each thread held the lock."""
        c = Chart("gil_timeline", "timeline", "CPU work at 2 threads over time: without a lock "
                  "both compute at once; under the GIL they take turns")
        for st in self.plugins["strategies"]:
            try:
                with open(os.path.join(raw, f"trace-cpu-{st['name']}.json")) as f:
                    events = json.load(f)["traceEvents"]
            except (OSError, ValueError, KeyError):
                continue
            tasks = [(e["ts"] / 1000, (e["ts"] + e["dur"]) / 1000, e["tid"] - 1) for e in events
                     if e.get("ph") == "X" and e.get("cat") == "task"
                     and str(e.get("name", "")).startswith("task ")]
            holds = [(e["ts"] / 1000, (e["ts"] + e["dur"]) / 1000, e["tid"] - 1000)
                     for e in events if e.get("ph") == "X" and e.get("cat") == "strategy"]
            for title, spans in ((f"{st['name']}: chunks, a lane per thread", tasks),
                                 (f"{st['name']}: when each thread held the lock", holds)):
                if not spans:
                    continue
                c.panel("timeline", title, "ms since the run began", "thread",
                        str(max(l for _, _, l in spans) + 1))
                c.entry(st["name"], self.styles.of(st["name"]),
                        [(round(a, 3), round(b, 3), l) for a, b, l in spans])
        if c.panels:
            c.values["tmax"] = max(r[1] for e in c.entries for r in e["rows"])
            self.charts.append(c)

    def write(self):
        m, prm = self.machine, self.machine["parameters"]
        machine_line = (f"{m['cpu_model']}, {m['cores']} cores, {m['kernel']}, {m['compiler']}, "
                        f"libcurl {m['libcurl']}, {m['date'][:10]}")
        with open(os.path.join(self.dir, "plot.inc"), "w") as f:
            f.write(f"machine = {gp_str(machine_line)}\nruns = {prm['runs']}\n"
                    f"cores = {m['cores']}\nquick = {1 if prm.get('quick') else 0}\n"
                    f"noisy_cv = {round(NOISY_CV * 100)}\n")
        skipped = []
        with open(os.path.join(self.dir, "charts.txt"), "w") as f:
            for c in self.charts:
                dropped = c.prune()
                if not c.panels:
                    skipped.append((c.name, "nothing to draw: " + "; ".join(dropped)))
                    continue
                if dropped:
                    skipped.append((c.name, "panels left out, nothing to draw: " + "; ".join(dropped)))
                c.write(self.dir)
                f.write(f"{c.script} {c.name}\n")
        # What was not drawn, and why (a speedup needs the baseline in the
        # matrix): make bench and the report say it.
        with open(os.path.join(self.dir, "skipped.txt"), "w") as f:
            for name, why in skipped:
                f.write(f"{name}\t{why} (the matrix left out what it needs: STRATEGIES, "
                        f"WORKLOADS or the worker counts)\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: plotdata.py RUN_DIR")
    with open(os.path.join(sys.argv[1], "results.json")) as f:
        doc = json.load(f)
    p = Plotter(doc, os.path.join(sys.argv[1], "plot"))
    p.make()
    p.write()


if __name__ == "__main__":
    main()
