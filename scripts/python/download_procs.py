#!/usr/bin/env python3
"""download_procs.py: the course's multiprocessing.Pool downloader.

multiprocessing.Pool(N).map(partial(download_link, directory), links), as
lessons 3 and 5 write it: map cuts the links into chunks, hands them to the
worker processes and blocks until every result is back, in order. Each
process is a whole interpreter with its own GIL and its own copy of what
it holds; each keeps one requests.Session.

  download_procs.py --workers 8 --url http://127.0.0.1:PORT/index.json --out DIR
"""
import multiprocessing
import os
from functools import partial

import requests

import harness

session = None  # one per worker process, made by init_worker


def init_worker():
    global session
    session = harness.session()


@harness.timed
def download_link(directory, timeout_s, link):
    """Fetch one link and save it as basename(link); (error kind, bytes)."""
    return harness.fetch_save(session, directory, link, timeout_s)


def run():
    args = harness.options("download_procs.py", __doc__, io=True)
    index = harness.get_links(args)
    links = index[1]
    os.makedirs(args.out, exist_ok=True)
    t0 = harness.clock()
    with multiprocessing.Pool(args.workers, initializer=init_worker) as pool:
        outcomes = pool.map(partial(download_link, args.out, args.timeout_ms / 1000),
                            [e["link"] for e in links])
    wall = harness.clock() - t0
    result = harness.io_result("py-procs", args, index, outcomes, wall,
                               limits="multiprocessing.Pool(N).map: N interpreters, a "
                                      "requests.Session each; the links pickled to them in chunks")
    harness.finish(result, args)


if __name__ == "__main__":
    harness.main(run)
