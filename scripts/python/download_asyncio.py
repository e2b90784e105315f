#!/usr/bin/env python3
"""download_asyncio.py: the course's asyncio + aiohttp downloader.

One aiohttp.ClientSession on one thread; a task per link made with
asyncio.ensure_future and awaited with asyncio.gather(...,
return_exceptions=True) (lesson 4). The session's connector allows N
connections at once, so N transfers are in flight, as with concbench's
eventloop at --workers N.

  download_asyncio.py --workers 50 --url http://127.0.0.1:PORT/index.json --out DIR
"""
import asyncio
import os

import aiohttp

import harness


async def download_link(session, directory, link, i, order):
    """Fetch one link and save it as basename(link); (error kind, bytes, seconds)."""
    t0 = harness.clock()
    try:
        async with session.get(link) as r:
            r.raise_for_status()
            body = await r.read()
        harness.save(directory, link, body)
        return None, len(body), harness.clock() - t0
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError) as e:
        return harness.error_kind(e), 0, None
    finally:
        order.append(i)


async def download_many(args, links, order):
    timeout = aiohttp.ClientTimeout(total=args.timeout_ms / 1000)
    connector = aiohttp.TCPConnector(limit=args.workers)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     headers=harness.HEADERS) as session:
        tasks = [asyncio.ensure_future(download_link(session, args.out, e["link"], i, order))
                 for i, e in enumerate(links)]
        results = await asyncio.gather(*tasks, return_exceptions=True)
    return [r if isinstance(r, tuple) else (harness.error_kind(r), 0, None) for r in results]


def run():
    args = harness.options("download_asyncio.py", __doc__, io=True, unbounded=True)
    index = harness.get_links(args)
    links = index[1]
    unbounded = args.workers == 0
    if unbounded:  # no --workers: every transfer in flight at once, as gather has no limit
        args.workers = max(1, len(links))
    os.makedirs(args.out, exist_ok=True)
    order = []
    t0 = harness.clock()
    outcomes = asyncio.run(download_many(args, links, order))
    wall = harness.clock() - t0
    result = harness.io_result("py-asyncio", args, index, outcomes, wall, order,
                               limits="one thread, one aiohttp.ClientSession; "
                                      "TCPConnector(limit=N) connections in flight")
    if unbounded:
        result["workers_from"] = "no --workers: every task in flight at once"
    harness.finish(result, args)


if __name__ == "__main__":
    harness.main(run)
