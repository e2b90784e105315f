#!/usr/bin/env python3
"""htmlreport.py RUN_DIR: RUN_DIR/index.html, one page for a whole results folder.

Like criterion's report: the lessons (REPORT.md, with their charts), every
chart, the summary tables (summary.md) and the metadata (machine.json),
with relative links only, so the folder reads the same offline, copied
anywhere or served as it is. The page counts, once loaded, how many of
its images loaded and how many errors it saw, into <body data-images=...
data-errors=...> (what the test in Chromium reads). Standard library only.
"""

import html
import json
import os
import re
import sys

STYLE = """
body { font: 16px/1.5 "DejaVu Sans", sans-serif; max-width: 1200px; margin: 2em auto;
       padding: 0 1em; color: #222; }
h1, h2, h3 { line-height: 1.2; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: .25em .6em; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { background: #f4f4f4; padding: 0 .2em; }
nav a { margin-right: 1em; } .meta td:first-child { font-family: monospace; }
table { display: block; overflow-x: auto; max-width: 100%; }
"""

# The page checks itself once loaded: images that loaded, errors seen.
CHECK = """
<script>
(function () {
  var errors = 0;
  window.addEventListener('error', function () { errors++; }, true);
  var error = console.error;
  console.error = function () { errors++; error.apply(console, arguments); };
  window.addEventListener('load', function () {
    var imgs = document.images, ok = 0;
    for (var i = 0; i < imgs.length; i++)
      if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
    document.body.setAttribute('data-images', ok + '/' + imgs.length);
    document.body.setAttribute('data-errors', String(errors));
    document.body.setAttribute('data-overflow',
      String(document.documentElement.scrollWidth > window.innerWidth + 1));
  });
})();
</script>
"""


def inline(text):
    """Markdown's inline marks: code, images, links, bold, italics."""
    out, pos = [], 0
    for m in re.finditer(r"`([^`]+)`", text):
        out.append(inline_plain(text[pos:m.start()]))
        out.append(f"<code>{html.escape(m.group(1))}</code>")
        pos = m.end()
    out.append(inline_plain(text[pos:]))
    return "".join(out)


def safe_url(url):
    """Relative links only: an absolute or scheme URL is left as text."""
    return not re.match(r"^([a-z]+:|/)", url, re.I)


def inline_plain(text):
    t = html.escape(text, quote=False)
    t = re.sub(r"!\[([^\]]*)\]\(([^)\s]+)\)",
               lambda m: f'<img src="{html.escape(m.group(2))}" alt="{m.group(1)}">'
               if safe_url(m.group(2)) else m.group(0), t)
    t = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)",
               lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>'
               if safe_url(m.group(2)) else m.group(1), t)
    t = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", t)
    return t


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def markdown(text, shift=0):
    """The Markdown concbench writes (headings, paragraphs, lists, tables,
    images), as HTML; headings shifted down by shift levels."""
    out, para, lines, k = [], [], text.splitlines(), 0

    def flush():
        if para:
            out.append("<p>" + inline(" ".join(para)) + "</p>")
            para.clear()

    while k < len(lines):
        line = lines[k]
        if m := re.match(r"^(#{1,6})\s+(.*)$", line):
            flush()
            level = min(6, len(m.group(1)) + shift)
            out.append(f"<h{level}>{inline(m.group(2))}</h{level}>")
        elif line.startswith("|") and k + 1 < len(lines) and re.match(r"^\|[-:| ]+\|$", lines[k + 1]):
            flush()
            head = cells(line)
            align = ["num" if c.strip().endswith(":") else "" for c in cells(lines[k + 1])]
            rows = []
            k += 2
            while k < len(lines) and lines[k].startswith("|"):
                rows.append(cells(lines[k]))
                k += 1
            out.append("<table><tr>" + "".join(f"<th>{inline(h)}</th>" for h in head) + "</tr>")
            for r in rows:
                out.append("<tr>" + "".join(
                    f'<td class="{align[i] if i < len(align) else ""}">{inline(c)}</td>'
                    for i, c in enumerate(r)) + "</tr>")
            out.append("</table>")
            continue
        elif line.startswith("- "):
            flush()
            items = []
            while k < len(lines) and lines[k].startswith("- "):
                items.append(lines[k][2:])
                k += 1
            out.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>")
            continue
        elif not line.strip():
            flush()
        else:
            para.append(line.strip())
        k += 1
    flush()
    return "\n".join(out)


def flat(prefix, value, rows):
    """machine.json's nested fields as (dotted name, text) rows."""
    if isinstance(value, dict):
        for key, v in value.items():
            flat(f"{prefix}.{key}" if prefix else key, v, rows)
    else:
        rows.append((prefix, json.dumps(value) if not isinstance(value, str) else value))
    return rows


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


VERDICT_COLOUR = {"holds": "#1b7837", "contradicted": "#c51b7d", "inconclusive": "#737373"}


def lessons_section(run):
    """The lessons first: each one's verdict, claim, figure and chart
    (lessons.json and lessons/ID.png, from `concbench lesson all`)."""
    text = read(os.path.join(run, "lessons.json"))
    if text is None:
        return None
    out = ['<section id="lessons"><h2>The lessons</h2>',
           "<p>Each of the course's claims, decided by its own interleaved rounds: the 95 % "
           "interval of a paired statistic against the line where the claim holds.</p>",
           "<table><tr><th>lesson</th><th>verdict</th><th>the claim</th><th>the course</th>"
           "<th>measured (95 % interval)</th></tr>"]
    ls = json.loads(text).get("lessons", [])
    for l in ls:
        ci = l.get("ci") or [None, None]
        est = l.get("estimate")
        unit = l.get("unit", "")
        measured = "–" if est is None else (
            f"{html.escape(l.get('statistic', ''))}: {est:.3g}{html.escape(unit)}"
            + (f" [{ci[0]:.3g}, {ci[1]:.3g}]" if ci[0] is not None else ""))
        colour = VERDICT_COLOUR.get(l["verdict"], "#222")
        out.append(f'<tr><td><a href="#lesson-{html.escape(l["id"])}">{html.escape(l["id"])}</a></td>'
                   f'<td style="color:{colour}"><b>{html.escape(l["verdict"])}</b></td>'
                   f"<td>{html.escape(l['claim'])}</td><td>{html.escape(l.get('course') or '–')}</td>"
                   f"<td>{measured}</td></tr>")
    out.append("</table>")
    for l in ls:
        lid = html.escape(l["id"])
        colour = VERDICT_COLOUR.get(l["verdict"], "#222")
        out.append(f'<h3 id="lesson-{lid}">{lid}: <span style="color:{colour}">'
                   f'{html.escape(l["verdict"])}</span></h3>')
        out.append(f"<p>{html.escape(l['explanation'])}</p>")
        if l["verdict"] != "holds" and l.get("reason"):
            out.append(f"<p><i>Why {html.escape(l['verdict'])}:</i> {html.escape(l['reason'])}</p>")
        if os.path.exists(os.path.join(run, "lessons", l["id"] + ".png")):
            out.append(f'<p><a href="lessons/{lid}.svg"><img src="lessons/{lid}.png" '
                       f'alt="{lid}: {html.escape(l["claim"])}"></a></p>')
    out.append("</section>")
    return "\n".join(out)


def without_lessons(report):
    """REPORT.md less its lessons section, when the page draws it itself."""
    start = report.find("## The lessons")
    end = report.find("## The full matrix")
    return report if start < 0 or end < start else report[:start] + report[end:]


def page(run):
    report = read(os.path.join(run, "REPORT.md")) or "# What this run shows\n\n(no REPORT.md)"
    lessons = lessons_section(run)
    if lessons is not None:
        report = without_lessons(report)
    summary = read(os.path.join(run, "summary.md")) or ""
    machine = json.loads(read(os.path.join(run, "machine.json")) or "{}")
    charts = []
    listed = read(os.path.join(run, "plot", "charts.txt")) or ""
    for line in listed.splitlines():
        parts = line.split()
        if len(parts) == 2 and os.path.exists(os.path.join(run, parts[1] + ".png")):
            charts.append(parts[1])
    title = f"concbench results, {machine.get('date', os.path.basename(os.path.abspath(run)))}"
    body = [f"<h1>{html.escape(title)}</h1>",
            '<nav><a href="#lessons">The lessons</a><a href="#report">Report</a>'
            '<a href="#charts">All charts</a>'
            '<a href="#summary">Summary tables</a><a href="#machine">Machine and run</a>'
            '<a href="results.json">results.json</a><a href="results.csv">results.csv</a></nav>',
            lessons or "",
            '<section id="report">', markdown(report, 1), "</section>",
            '<section id="charts"><h2>All charts</h2>']
    for c in charts:
        body.append(f'<h3>{html.escape(c)}</h3><p><a href="{c}.svg">'
                    f'<img src="{c}.png" alt="{html.escape(c)} chart"></a></p>')
    body += ["</section>", '<section id="summary">', markdown(summary, 1), "</section>",
             '<section id="machine"><h2>Machine and run</h2><table class="meta">']
    body += [f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>"
             for k, v in flat("", machine, [])]
    body.append("</table></section>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style>{CHECK}</head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: htmlreport.py RUN_DIR")
    run = sys.argv[1]
    path = os.path.join(run, "index.html")
    with open(path + ".tmp", "w") as f:
        f.write(page(run))
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
