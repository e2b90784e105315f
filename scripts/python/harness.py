"""harness.py: what the course's programs share once they are measured.

The programs beside this file are ports of the course's own CPython
programs (downloaders and sums of chunks). Each keeps the course's shape --
get_links, download_link, a pool or a loop, sum_chunk -- and leaves the
measuring to this module, so a program reads like the notebook it ports:

  options()       the command line concbench's `run` takes, as far as the
                  programs need it (--workers, --url, --out, --output, and
                  the cpu workload's --kernel, --n, --chunk, --work, --passes,
                  --sync), so `make bench` runs them like any strategy
  get_links()     the fixture server's index: one entry per file
  verify_files()  every saved file against its size and checksum, after
                  the timed part
  expected_sum()  the closed form the sum programs are checked against
  finish()        the result, in the shape of `concbench run --output`,
                  printed and written; the exit status (0 verified, 1 not)

Only the standard library and Debian's python3-requests, python3-aiohttp
and python3-xxhash (for the server's xxh3 checksums) are used.
"""

import argparse
import functools
import hashlib
import heapq
import json
import os
import platform
import resource
import sys
import threading
import time

try:
    import xxhash
except ImportError:  # checksums then go unchecked, and the result says so
    xxhash = None

# The cpu workload's kernels, as concbench defines them (bench/workloads/cpu.c),
# over the course's array: a[i] = i for i in range(n).
LCG_A = 6364136223846793005
LCG_C = 1442695040888963407
MASK = (1 << 64) - 1

IO_ERRORS = ("connect", "timeout", "status", "reset", "protocol", "write", "verify", "memory", "other")


# ---- memory: the peak PSS of this process and its children ------------------

def _pss_kb(pid):
    """The PSS of one process (a page shared by n counts 1/n), 0 if gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid):
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


class PssSampler(threading.Thread):
    """Sums the PSS of this process and every descendant every 20 ms and
    keeps the peak, as concbench's own sampler does (common/pss.c), so the
    cost chart can set CPython's programs beside the C strategies. The
    children a Pool forks do not inherit the thread (only the forking thread
    runs in a child)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.done = threading.Event()

    def sample(self):
        total, todo = 0, [os.getpid()]
        while todo:
            pid = todo.pop()
            total += _pss_kb(pid)
            todo += _children(pid)
        self.peak_kb = max(self.peak_kb, total)

    def run(self):
        while not self.done.wait(0.02):
            self.sample()

    def stop(self):
        self.done.set()
        self.sample()
        return self.peak_kb


SAMPLER = None


def options(program, doc, io, unbounded=False):
    """Parse the command line; io: a downloader (else a sum program);
    unbounded: no --workers means no limit (args.workers is then 0), as
    asyncio's gather has none."""
    global SAMPLER
    if SAMPLER is None and os.path.exists("/proc/self/smaps_rollup"):
        SAMPLER = PssSampler()
        SAMPLER.start()
    p = argparse.ArgumentParser(prog=program, description=doc,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workers", type=int, default=None,
                   help="threads, processes or transfers in flight "
                        f"[{'no limit: every transfer at once' if unbounded else 1}]")
    p.add_argument("--output", help="write the result (JSON) to this file too")
    p.add_argument("--json", action="store_true", help="print the result as JSON, not one line")
    if io:
        p.add_argument("--url", help="the index (JSON) or a URL list: http://HOST:PORT/index.json")
        p.add_argument("--links", help="the same, from a file")
        p.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'",
                       help="send this header with the index request and every transfer")
        p.add_argument("--links-path", default="data[].link",
                       help="where the links are in a JSON index: ARRAY[].LINK [data[].link]")
        p.add_argument("--filter", action="append", default=[], metavar="KEY=GLOB",
                       help="keep only index items whose KEY matches GLOB, e.g. type=image/*")
        p.add_argument("--out", required=True, help="folder the files are saved in (created)")
        p.add_argument("--timeout-ms", type=int, default=30000, help="per transfer [30000]")
    else:
        p.add_argument("--kernel", choices=("sum", "heavy"), default="sum", help="[sum]")
        p.add_argument("--n", type=int, default=1_000_000, help="elements [1000000]")
        p.add_argument("--chunk", type=int, default=100, help="elements per task [100]")
        p.add_argument("--work", type=int, default=100, help="LCG rounds per element, heavy [100]")
        p.add_argument("--passes", type=int, default=1, help="sum the array this many times [1]")
        p.add_argument("--sync", choices=("local", "mutex", "none"), default="local",
                       help="how threads add to the total [local]")
    a = p.parse_args()
    if io:
        if (a.url is None) == (a.links is None):
            p.error("give one of --url (an index or URL list) or --links (a file)")
        global HEADERS
        for h in a.header:
            name, sep, value = h.partition(":")
            if not sep or not name.strip() or any(c in h for c in "\r\n"):
                p.error(f"--header wants 'NAME: VALUE', not {name.strip()!r}...")
            HEADERS[name.strip()] = value.strip()
        if "[]" not in a.links_path:
            p.error("--links-path wants ARRAY[].LINK, e.g. data[].link")
        for f in a.filter:
            if "=" not in f:
                p.error(f"--filter wants KEY=GLOB, not {f!r}")
    if a.workers is None:
        a.workers = 0 if unbounded else 1
    elif a.workers < 1 or a.workers > 4096:
        p.error("--workers must be 1..4096")
    if not io:
        for name in ("n", "chunk", "passes"):
            if getattr(a, name) < 1:
                p.error(f"--{name} must be at least 1")
        if a.n > 1 << 26:
            p.error("--n must be at most 67108864 (a CPython list of ints costs ~36 bytes each)")
        if a.work < 0:
            p.error("--work must not be negative")
    return a


# ---- downloads ---------------------------------------------------------

HEADERS = {}  # --header: on the index request and every transfer


def _dotted(obj, path):
    for key in [k for k in path.split(".") if k]:
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def session():
    """A requests.Session sending --header with every transfer."""
    import requests
    s = requests.Session()
    s.headers.update(HEADERS)
    return s


def get_links(args, timeout_s=10):
    """The index: its delay (ms, or None) and its entries ({"link", "size",
    "checksum", ...}), in order. From --url or --links, a JSON index (the
    links where --links-path says, kept by --filter) or a list of URLs, one
    a line, as concbench run reads them."""
    import fnmatch
    where = args.url or args.links
    try:
        if args.url:
            import requests  # imported here so the sum programs need no requests
            r = requests.get(args.url, timeout=timeout_s, headers=HEADERS)
            r.raise_for_status()
            text = r.text
        else:
            with open(args.links) as f:
                text = f.read()
    except Exception as e:  # requests' errors, OSError: the message is what matters
        fail(f"unable to read the index {where}: {e}")
    if not text.lstrip().startswith(("{", "[")):  # a URL list
        urls = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        if not urls or not all(u.startswith(("http://", "https://")) for u in urls):
            fail(f"{where} is neither an index nor a list of http(s) URLs")
        return None, [{"link": u} for u in urls]
    try:
        doc = json.loads(text)
    except ValueError as e:
        fail(f"{where} is not valid JSON: {e}")
    array_at, link_at = args.links_path.split("[]", 1)
    data = _dotted(doc, array_at)
    link_at = link_at.lstrip(".")
    if not isinstance(data, list):
        fail(f"{where} has no array at {array_at or '(the top)'}")
    entries = []
    for item in data:
        if not isinstance(item, dict):
            continue
        if any(not fnmatch.fnmatchcase(str(_dotted(item, k) if _dotted(item, k) is not None else ""), g)
               for k, g in (f.split("=", 1) for f in args.filter)):
            continue
        link = _dotted(item, link_at)
        if not isinstance(link, str):
            fail(f"{where}: an entry has no string at {link_at}")
        entries.append(dict(item, link=link))
    if not entries:
        fail(f"{where} lists no links")
    return (doc.get("delay_ms") if isinstance(doc, dict) else None), entries


def file_name(link):
    """The course's basename(link), refusing what would leave the folder."""
    name = link.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    if not name or name in (".", "..") or name.startswith("."):
        raise ValueError(f"no safe file name in {link}")
    return name


def save(directory, link, body):
    """Write body as directory/basename(link), whole or not at all."""
    path = os.path.join(directory, file_name(link))
    tmp = path + ".part"
    try:
        with open(tmp, "wb") as f:
            f.write(body)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def fetch_save(session, directory, link, timeout_s):
    """The body of the course's download_link with requests: GET link on
    session, save it as basename(link); (error kind or None, bytes)."""
    import requests  # as in get_links: the sum programs need no requests
    try:
        r = session.get(link, timeout=timeout_s)
        r.raise_for_status()
        save(directory, link, r.content)
        return None, len(r.content)
    except (requests.RequestException, OSError, ValueError) as e:
        return error_kind(e), 0


def error_kind(e):
    """One of IO_ERRORS for an exception of requests, aiohttp or the OS."""
    name = type(e).__name__.lower()
    text = str(e).lower()
    if "timeout" in name or "timed out" in text:
        return "timeout"
    if "status" in name or "httperror" in name or "responseerror" in name:
        return "status"
    if "reset" in text or "payload" in name or "incomplete" in text or "chunked" in name:
        return "reset"
    if "connect" in name:
        return "connect"
    if isinstance(e, MemoryError):
        return "memory"
    if isinstance(e, OSError):
        return "write"
    return "other"


def checksum_ok(spec, body):
    """True/False against "xxh3:HEX" or "sha256:HEX"; None when it cannot be checked."""
    if not isinstance(spec, str) or ":" not in spec:
        return None
    algo, want = spec.split(":", 1)
    if algo == "xxh3" and xxhash is not None:
        return xxhash.xxh3_64_hexdigest(body) == want.lower()
    if algo == "sha256":
        return hashlib.sha256(body).hexdigest() == want.lower()
    return None


def verify_files(links, directory):
    """Every entry's file on disk against its size and checksum."""
    v = {"checked_checksum": 0, "checked_size_only": 0, "unchecked": 0, "bad": []}
    for e in links:
        try:
            path = os.path.join(directory, file_name(e["link"]))
            with open(path, "rb") as f:
                body = f.read()
        except (OSError, ValueError):
            v["bad"].append(e["link"])
            continue
        if "size" in e and len(body) != e["size"]:
            v["bad"].append(e["link"])
            continue
        ok = checksum_ok(e.get("checksum"), body)
        if ok is False:
            v["bad"].append(e["link"])
        elif ok:
            v["checked_checksum"] += 1
        elif "size" in e:
            v["checked_size_only"] += 1
        else:
            v["unchecked"] += 1
    left = [n for n in os.listdir(directory) if n.endswith(".part")]
    v["temp_files_left"] = len(left)
    return v


def bound_s(index_delay_ms, links, workers):
    """The latency bound, as concbench's io workload computes it: each link
    waits its delay (its own, else the index's), handed in order to the
    first free worker. None when a delay is unknown or all are 0."""
    ready = [0] * min(workers, len(links))
    end = 0
    for e in links:
        d = e.get("delay_ms", index_delay_ms)
        if not isinstance(d, (int, float)) or d < 0:
            return None
        t = heapq.heappop(ready) + d
        end = max(end, t)
        heapq.heappush(ready, t)
    return end / 1000 if end > 0 else None


def percentiles_ms(seconds):
    """p50/p95/p99/max of per-transfer times (nearest rank), in ms."""
    if not seconds:
        return None
    v = sorted(seconds)

    def q(f):
        return v[min(len(v) - 1, max(0, int(f * len(v) + 0.5) - 1))] * 1000
    return {"p50": q(0.50), "p95": q(0.95), "p99": q(0.99), "max": v[-1] * 1000}


def timed(download):
    """Wrap a download function to return (error kind or None, bytes,
    seconds it took)."""
    @functools.wraps(download)  # keeps its name: a Pool pickles it by name
    def run(*a):
        t0 = clock()
        err, nbytes = download(*a)
        return err, nbytes, clock() - t0
    return run


def io_result(name, args, index, outcomes, wall_s, order=None, limits=""):
    """The result of a downloader. index: get_links()' (delay, entries);
    outcomes: per link (error kind or None, bytes, seconds or None); order:
    task indices in the order they completed, if known."""
    index_delay, links = index
    v = verify_files(links, args.out)
    # A transfer that ended without an error but left a wrong file (short
    # bodies: requests does not check Content-Length) failed as "verify".
    bad = set(v["bad"])
    outcomes = [(err or ("verify" if e["link"] in bad else None), nbytes, secs)
                for e, (err, nbytes, secs) in zip(links, outcomes)]
    errors = {k: 0 for k in IO_ERRORS}
    for err, _, _ in outcomes:
        if err:
            errors[err] = errors.get(err, 0) + 1
    failed = sum(1 for err, _, _ in outcomes if err)
    ok = len(outcomes) - failed
    verified = failed == 0 and v["unchecked"] == 0 and not v["temp_files_left"]
    how = ("every one checked against its checksum" if v["checked_checksum"] == len(links) else
           f"{v['checked_checksum']} against checksums, {v['checked_size_only']} by size only, "
           f"{v['unchecked']} unchecked")
    r = {
        "strategy": name, "workload": "io", "workers": args.workers, "tasks": len(links),
        "ok": ok, "failed": failed, "bytes": sum(b for _, b, _ in outcomes),
        "verified": verified, "wrong": False, "expected_fail": False,
        "wall_s": wall_s, "errors": errors, "out": args.out,
        "checked_checksum": v["checked_checksum"], "checked_size_only": v["checked_size_only"],
        "unchecked": v["unchecked"], "temp_files_left": v["temp_files_left"],
        "params": {"url": args.url, "links": args.links, "out": args.out,
                   "headers": sorted(HEADERS), "links_path": args.links_path, "filter": args.filter},
        "limits": limits,
        "latency_ms": percentiles_ms([t for err, _, t in outcomes if not err and t is not None]),
        "detail": f"{ok} of {len(links)} files saved to {args.out}, {how}"
                  + (f"; {errors['verify']} saved short or wrong" if errors["verify"] else "")
                  + (": verified" if verified else
                     f": unverified (the index gives no size or checksum for {v['unchecked']})"
                     if failed == 0 and not v["temp_files_left"] else ": NOT verified"),
    }
    b = bound_s(index_delay, links, args.workers)
    if b:
        r["bound_s"] = b
    if order is not None:
        rank = [0] * len(links)
        for k, i in enumerate(order):
            rank[i] = k + 1
        r["completion_rank"] = rank
        r["in_submission_order"] = list(order) == sorted(order)
    return r


# ---- sums ----------------------------------------------------------------

def lcg_rounds(x, k):
    """k dependent rounds of the 64-bit LCG, like concbench's heavy kernel."""
    for _ in range(k):
        x = (x * LCG_A + LCG_C) & MASK
    return x


def chunk_sum(chunk, kernel, work):
    """The course's sum_chunk: the sum of a chunk, each element first run
    through --work LCG rounds with the heavy kernel."""
    if kernel == "sum":
        return sum(chunk)
    return sum(lcg_rounds(x, work) for x in chunk)


def chunks_of(args):
    """The course's chunks: a = list(range(n)) cut in pieces of --chunk,
    the whole list --passes times over (the same list objects again)."""
    a = list(range(args.n))
    chunks = [a[k:k + args.chunk] for k in range(0, args.n, args.chunk)]
    return chunks * args.passes


def expected_sum(args):
    """The answer without the array: n(n-1)/2 per pass for sum; for heavy,
    the LCG jumped ahead --work rounds (an affine map) applied to it. All
    mod 2^64, as concbench's kernels wrap."""
    s = args.n * (args.n - 1) // 2
    if args.kernel == "heavy":
        ak, ck = 1, 0
        pa, pc, k = LCG_A, LCG_C, args.work
        while k:
            if k & 1:
                ak, ck = (pa * ak) & MASK, (pa * ck + pc) & MASK
            pa, pc = (pa * pa) & MASK, (pa * pc + pc) & MASK
            k >>= 1
        s = ak * s + args.n * ck
    return (s * args.passes) & MASK


def sum_result(name, args, total, wall_s, tasks, note="", limits=""):
    total &= MASK
    expected = expected_sum(args)
    verified = total == expected
    short = f", short by {(expected - total) & MASK}" if not verified and args.kernel == "sum" else ""
    return {
        "strategy": name, "workload": "cpu", "workers": args.workers, "tasks": tasks,
        "ok": tasks, "failed": 0, "verified": verified, "wrong": not verified,
        "expected_fail": False, "wall_s": wall_s, "sum": str(total), "expected": str(expected),
        "limits": limits,
        "params": {"kernel": args.kernel, "n": args.n, "chunk": args.chunk, "work": args.work,
                   "passes": args.passes, "sync": args.sync},
        "detail": f"{args.kernel} kernel, n={args.n} in chunks of {args.chunk} x {args.passes} "
                  f"pass{'es' if args.passes != 1 else ''}, sync {args.sync}: sum {total}, "
                  f"expected {expected}: {'verified' if verified else 'WRONG' + short}{note}",
    }


# ---- the result ------------------------------------------------------------

def clock():
    return time.perf_counter()


def finish(result, args):
    """Add what every result carries, print it, write --output; exit."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.update({
        "user_s": me.ru_utime + kids.ru_utime, "sys_s": me.ru_stime + kids.ru_stime,
        "max_rss_kb": max(me.ru_maxrss, kids.ru_maxrss),
        "max_pss_kb": SAMPLER.stop() if SAMPLER is not None else None,
        "ctx_voluntary": me.ru_nvcsw + kids.ru_nvcsw,
        "ctx_involuntary": me.ru_nivcsw + kids.ru_nivcsw,
        "clock": "time.perf_counter",
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "machine": {"cores": os.cpu_count()},
    })
    text = json.dumps(result)
    if args.output:
        tmp = args.output + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, args.output)
    if args.json:
        print(text)
    else:
        print(f"{result['strategy']} {result['workload']} w={result['workers']}: "
              f"{result['wall_s']:.3f} s, {result['detail']}")
    # A run fails when a task failed or an answer was wrong; a download the
    # index gives no size or checksum for is unverified, not failed (as
    # concbench run says it).
    failed = result.get("failed", 0) > 0 or result.get("wrong") or result.get("temp_files_left")
    if result.get("workload") == "cpu":
        failed = failed or not result["verified"]
    sys.exit(1 if failed else 0)


def fail(msg):
    print(f"{os.path.basename(sys.argv[0])}: {msg}", file=sys.stderr)
    sys.exit(1)


def main(run):
    """Run a program's main; Ctrl-C ends it with 130 and no traceback."""
    try:
        run()
    except KeyboardInterrupt:
        print(f"{os.path.basename(sys.argv[0])}: interrupted", file=sys.stderr)
        sys.exit(130)
