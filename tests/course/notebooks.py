#!/usr/bin/env python3
"""notebooks.py PROGRAM BASE OUT: the course's programs, ported for the
tests, run against `concbench serve` at BASE (http://127.0.0.1:PORT).

Each makes the calls the notebook makes, with its parameters, and only
the base URL differs; written for this project (the notebooks are in
../shared/course/). Prints one JSON line: what the program reported
(files saved, names collected) and the paths it saved, for the test to
check against the server's own bodies.

  imgur-sequential, imgur-pool, imgur-queue   notebook 3 (and 5's Pool(8))
  flags-sequential, flags-map, flags-futures  notebook 2
  flags2-sequential, flags2-threadpool, flags2-asyncio   Fluent Python 2e's flags2 (httpx)
  spotify                                     notebook 1
  pages-sequential, pages-threads, pages-asyncio   notebook 4's 120 pages
"""
import asyncio
import json
import os
import sys
import threading
from concurrent import futures
from functools import partial
from multiprocessing.pool import Pool
from pathlib import Path
from queue import Queue
from urllib.request import Request, urlopen

import requests

TYPES = {"image/jpeg", "image/png", "image/gif"}
CC_LIST = "CN IN US ID BR PK NG BD RU JP MX PH VN ET EG DE IR TR CD FR".split()
ALBUMS = [f"album{k:02d}x{k * 7919 % 1000:03d}" for k in range(20)]


# ---- notebook 3: the imgur downloader ----------------------------------------

def get_links(base, client_id):
    headers = {"Authorization": "Client-ID {}".format(client_id)}
    req = Request(base + "/3/gallery/random/random/", headers=headers, method="GET")
    with urlopen(req) as resp:
        data = json.loads(resp.read().decode("utf-8"))
    return [item["link"] for item in data["data"] if "type" in item and item["type"] in TYPES]


def download_link(directory, link):
    download_path = directory / os.path.basename(link)
    with urlopen(link) as image, download_path.open("wb") as f:
        f.write(image.read())


class DownloadWorker(threading.Thread):
    def __init__(self, queue):
        threading.Thread.__init__(self)
        self.queue = queue

    def run(self):
        while True:
            directory, link = self.queue.get()
            try:
                download_link(directory, link)
            finally:
                self.queue.task_done()


def imgur(base, out, how):
    directory = Path(out)
    directory.mkdir(exist_ok=True)
    links = get_links(base, "the-course-client-id")
    if how == "sequential":
        for link in links:
            download_link(directory, link)
    elif how == "pool":
        with Pool(8) as p:
            p.map(partial(download_link, directory), links)
    else:  # 8 threads on a Queue, task_done / join
        queue = Queue()
        for _ in range(8):
            worker = DownloadWorker(queue)
            worker.daemon = True
            worker.start()
        for link in links:
            queue.put((directory, link))
        queue.join()
    return {"links": len(links), "saved": sorted(str(p) for p in directory.iterdir())}


# ---- notebook 2: the flags ----------------------------------------------------

def save_flag(img, filename, out):
    path = os.path.join(out, filename)
    with open(path, "wb") as fp:
        fp.write(img)


def get_flag(base, cc):
    url = "{}/{cc}/{cc}.gif".format(base, cc=cc.lower())
    resp = requests.get(url)
    resp.raise_for_status()
    return resp.content


def download_one(base, out, cc):
    image = get_flag(base, cc)
    save_flag(image, cc.lower() + ".gif", out)
    return cc


def flags(base, out, how):
    os.makedirs(out, exist_ok=True)
    base = base + "/flags"
    if how == "sequential":
        done = [download_one(base, out, cc) for cc in sorted(CC_LIST)]
    elif how == "map":
        workers = min(20, len(CC_LIST))
        with futures.ThreadPoolExecutor(workers) as executor:
            done = list(executor.map(partial(download_one, base, out), sorted(CC_LIST)))
    else:  # 5 codes, 3 workers, submit + as_completed
        done = []
        with futures.ThreadPoolExecutor(max_workers=3) as executor:
            to_do = [executor.submit(download_one, base, out, cc) for cc in sorted(CC_LIST)[:5]]
            for future in futures.as_completed(to_do):
                done.append(future.result())
    return {"downloaded": len(done), "saved": sorted(os.path.join(out, f) for f in os.listdir(out))}


# ---- Fluent Python 2e, chapter 20: flags2 with httpx --------------------------
# The 20 most populous countries and every code BA..BZ (the book's default
# and its `b` argument: 9 of those are no country), sequential, 30 threads
# with submit + as_completed, and asyncio with a Semaphore(5); httpx.get
# with timeout 3.1 and redirects followed, raise_for_status, a 404 counted
# "not found" and any other error counted an error, a tqdm bar over the
# completions.

def flags2_get(client, base, cc):
    url = f"{base}/{cc}/{cc}.gif".lower()
    resp = client.get(url, timeout=3.1, follow_redirects=True)
    resp.raise_for_status()
    return resp.content


def flags2_one(httpx, base, out, cc):
    """'ok' or 'not found' for one code; other HTTP errors raise."""
    try:
        image = flags2_get(httpx, base, cc)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 404:
            return "not found"
        raise
    save_flag(image, f"{cc}.gif", out)
    return "ok"


def flags2(base, out, how):
    import httpx
    import tqdm
    from collections import Counter
    os.makedirs(out, exist_ok=True)
    base = base + "/flags"
    codes = sorted(set(CC_LIST) | {"B" + c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
    counts = Counter()

    def tally(outcome):
        try:
            counts[outcome()] += 1
        except httpx.HTTPError:  # a status other than 404, or no reply
            counts["error"] += 1

    if how == "sequential":
        for cc in tqdm.tqdm(codes, file=sys.stderr):
            tally(lambda: flags2_one(httpx, base, out, cc))
    elif how == "threadpool":
        with futures.ThreadPoolExecutor(max_workers=30) as executor:
            to_do = [executor.submit(flags2_one, httpx, base, out, cc) for cc in codes]
            for future in tqdm.tqdm(futures.as_completed(to_do), total=len(codes), file=sys.stderr):
                tally(future.result)
    else:
        async def get(client, cc):
            url = f"{base}/{cc}/{cc}.gif".lower()
            resp = await client.get(url, timeout=3.1, follow_redirects=True)
            resp.raise_for_status()
            return resp.content

        async def one(client, cc, semaphore):
            try:
                async with semaphore:
                    image = await get(client, cc)
            except httpx.HTTPStatusError as exc:
                if exc.response.status_code == 404:
                    return "not found"
                raise
            await asyncio.to_thread(save_flag, image, f"{cc}.gif", out)
            return "ok"

        async def supervisor():
            semaphore = asyncio.Semaphore(5)
            async with httpx.AsyncClient() as client:
                to_do = [one(client, cc, semaphore) for cc in codes]
                for coro in tqdm.tqdm(asyncio.as_completed(to_do), total=len(codes), file=sys.stderr):
                    try:
                        counts[await coro] += 1
                    except httpx.HTTPError:
                        counts["error"] += 1
        asyncio.run(supervisor())
    return {"codes": codes, "downloaded": counts["ok"], "not_found": counts["not found"],
            "errors": counts["error"], "saved": sorted(os.path.join(out, f) for f in os.listdir(out))}


# ---- notebook 1: Spotify's albums ---------------------------------------------

def spotify(base, out, how):
    auth = requests.post(base + "/api/token", {"grant_type": "client_credentials",
                                               "client_id": "the-course-id",
                                               "client_secret": "the-course-secret"})
    token = auth.json()["access_token"]
    headers = {"Authorization": "Bearer {token}".format(token=token)}
    unauthorised = requests.get(base + "/v1/albums/" + ALBUMS[0] + "/tracks").status_code

    def get_tracks(album_id):
        r = requests.get(base + "/v1/" + "albums/" + album_id + "/tracks", headers=headers)
        data = r.json()["items"]
        return [track["name"] for track in data]

    names = []
    with futures.ThreadPoolExecutor(min(20, len(ALBUMS))) as executor:
        to_do = [executor.submit(get_tracks, a) for a in sorted(ALBUMS)]
        for future in futures.as_completed(to_do):
            names.extend(future.result())
    return {"albums": len(ALBUMS), "tracks": len(names), "names": sorted(names),
            "first_done": names[:3], "without_token": unauthorised}


# ---- notebook 4: 120 pages from 2 sites -----------------------------------------

def pages(base, out, how):
    sites = [base + "/flags/br/br.gif", base + "/course/index.json"]
    urls = [u for u in sites for _ in range(60)]
    sizes = []
    if how == "sequential":
        with requests.Session() as session:
            for u in urls:
                sizes.append(len(session.get(u).content))
    elif how == "threads":
        local = threading.local()

        def get_session():
            if not hasattr(local, "session"):
                local.session = requests.Session()
            return local.session

        def read(u):
            with get_session().get(u) as r:
                return len(r.content)
        with futures.ThreadPoolExecutor(max_workers=5) as executor:
            sizes = list(executor.map(read, urls))
    else:
        import aiohttp

        async def read(session, u):
            async with session.get(u) as r:
                return len(await r.read())

        async def main():
            async with aiohttp.ClientSession() as session:
                tasks = [asyncio.ensure_future(read(session, u)) for u in urls]
                return await asyncio.gather(*tasks, return_exceptions=True)
        sizes = asyncio.run(main())
    return {"pages": len(urls), "read": sum(1 for s in sizes if isinstance(s, int) and s > 0),
            "sizes": sorted(set(s for s in sizes if isinstance(s, int)))}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    program, base, out = sys.argv[1:]
    family, how = program.split("-", 1) if "-" in program else (program, "")
    run = {"imgur": imgur, "flags": flags, "flags2": flags2, "spotify": spotify, "pages": pages}[family]
    print(json.dumps(run(base.rstrip("/"), out, how)))


if __name__ == "__main__":
    main()
