#!/usr/bin/env python3
"""plugins_md.py PLUGINS_JSON [DOC]: the plug-in tables, in Markdown.

Prints, from `concbench list --json`, one table of strategies and one of
workloads with their options: the same tables `--help` and `list` are
made from. With DOC (docs/reference.md), rewrites the part of it between
the lines "<!-- plugins: begin -->" and "<!-- plugins: end -->" instead
(make docs); the registry test checks every row DOC holds against what
this prints. Standard library only.
"""

import json
import os
import sys

BEGIN, END = "<!-- plugins: begin -->", "<!-- plugins: end -->"


def opt_text(o):
    flag = f"`--{o['name']}`"
    if o["type"] == "choice":
        flag += " " + "\\|".join(o["choices"])
    d = f" [{o['default']}]" if o.get("default") not in (None, "") else ""
    return f"{flag}{d}: {o['help']}"


def md(plugins):
    out = ["| strategy | what it is | capabilities | its options |", "|---|---|---|---|"]
    for s in plugins["strategies"]:
        opts = "<br>".join(opt_text(o) for o in s["options"]) or "–"
        caps = ", ".join(s["caps"]) or "–"
        course = f" The course's {s['course']}." if s.get("course") else ""
        out.append(f"| `{s['name']}` | {s['summary']}; {s['limits']}.{course} | {caps} | {opts} |")
    out += ["", "| workload | what a task is | its options | make bench series |",
            "|---|---|---|---|"]
    for w in plugins["workloads"]:
        opts = "<br>".join(opt_text(o) for o in w["options"]) or "–"
        series = "<br>".join(f"{se['id']} ({se['chart']}): {se['title']}" for se in w["series"])
        out.append(f"| `{w['name']}` | {w['summary']} | {opts} | {series} |")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: plugins_md.py PLUGINS_JSON [DOC]")
    with open(sys.argv[1]) as f:
        tables = md(json.load(f))
    if len(sys.argv) == 2:
        sys.stdout.write(tables)
        return
    with open(sys.argv[2]) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        sys.exit(f"plugins_md: {sys.argv[2]} has no {BEGIN} ... {END} section")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(sys.argv[2] + ".tmp", "w") as f:
        f.write(head + BEGIN + "\n" + tables + END + tail)
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])


if __name__ == "__main__":
    main()
