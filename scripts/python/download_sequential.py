#!/usr/bin/env python3
"""download_sequential.py: the course's sequential downloader.

One requests.Session, one link after the other: get_links, then
download_link for each, in the index's order (lessons 3 and 4). The
baseline the concurrent versions are measured against.

  download_sequential.py --url http://127.0.0.1:PORT/index.json --out DIR
"""
import os

import requests

import harness


@harness.timed
def download_link(session, directory, link, timeout_s):
    """Fetch one link and save it as basename(link); (error kind, bytes)."""
    return harness.fetch_save(session, directory, link, timeout_s)


def run():
    args = harness.options("download_sequential.py", __doc__, io=True)
    if args.workers != 1:
        harness.fail("sequential runs one download at a time: --workers must be 1")
    index = harness.get_links(args)
    links = index[1]
    os.makedirs(args.out, exist_ok=True)
    t0 = harness.clock()
    with harness.session() as session:
        outcomes = [download_link(session, args.out, e["link"], args.timeout_ms / 1000)
                    for e in links]
    wall = harness.clock() - t0
    result = harness.io_result("py-sequential", args, index, outcomes, wall,
                               order=list(range(len(links))),
                               limits="one requests.Session, one transfer at a time")
    harness.finish(result, args)


if __name__ == "__main__":
    harness.main(run)
