#!/usr/bin/env python3
"""download_threads.py: the course's ThreadPoolExecutor downloader.

ThreadPoolExecutor(max_workers=N) with one requests.Session per thread
(threading.local: a Session is not shared across threads), every link
submitted in the index's order, results collected with as_completed --
in the order they finish, not the order they were submitted (lessons 1,
2 and 4). Threads overlap their waits on the network: the GIL is released
while a socket blocks.

  download_threads.py --workers 8 --url http://127.0.0.1:PORT/index.json --out DIR
"""
import os
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

import requests

import harness

thread_local = threading.local()


def get_session():
    if not hasattr(thread_local, "session"):
        thread_local.session = harness.session()
    return thread_local.session


@harness.timed
def download_link(directory, link, timeout_s):
    """Fetch one link and save it as basename(link); (error kind, bytes)."""
    return harness.fetch_save(get_session(), directory, link, timeout_s)


def run():
    args = harness.options("download_threads.py", __doc__, io=True)
    index = harness.get_links(args)
    links = index[1]
    os.makedirs(args.out, exist_ok=True)
    outcomes, order = [None] * len(links), []
    t0 = harness.clock()
    with ThreadPoolExecutor(max_workers=args.workers) as executor:
        to_do = {executor.submit(download_link, args.out, e["link"], args.timeout_ms / 1000): i
                 for i, e in enumerate(links)}
        for future in as_completed(to_do):
            i = to_do[future]
            outcomes[i] = future.result()
            order.append(i)
    wall = harness.clock() - t0
    result = harness.io_result("py-threads", args, index, outcomes, wall, order,
                               limits="ThreadPoolExecutor(max_workers=N), a requests.Session per "
                                      "thread; the GIL is let go while a socket blocks")
    harness.finish(result, args)


if __name__ == "__main__":
    harness.main(run)
