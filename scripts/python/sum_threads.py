#!/usr/bin/env python3
"""sum_threads.py: the course's sum of chunks with threads on a Queue.

N threading.Thread workers take chunks from a queue.Queue (task_done and
join, as lesson 3 has it) and add into one global total. They run CPython
bytecode under the GIL: one thread at a time, however many cores. How a
worker adds is --sync:

  local  sum the chunk privately, then x = x + s under a Lock (right)
  mutex  every element added under the Lock (right, and slow)
  none   the course's version with its lock commented out: every element
         added with a bare x = x + i. The GIL does not make that one step:
         between reading x and writing it back another thread may run,
         and its additions are lost. CPython 3.10 and later only switch
         threads at calls and backward jumps, so with the sum kernel
         (x = x + i: no call in between) no update is lost; with --kernel
         heavy (x = x + lcg_rounds(i, work): a call between the read and
         the write) updates are lost.

  sum_threads.py --workers 10 --n 1000000 --chunk 100 --sync none
"""
import queue
import threading

import harness

x = 0
lock = threading.Lock()


def value(i, kernel, work):
    return i if kernel == "sum" else harness.lcg_rounds(i, work)


def worker(q, kernel, work, sync):
    global x
    while True:
        chunk = q.get()
        if chunk is None:
            q.task_done()
            return
        if sync == "local":
            s = harness.chunk_sum(chunk, kernel, work)
            with lock:
                x = x + s
        elif sync == "mutex":
            for i in chunk:
                v = value(i, kernel, work)
                with lock:
                    x = x + v
        elif kernel == "sum":
            for i in chunk:
                x = x + i  # the race: read x, add, write x back
        else:
            for i in chunk:
                x = x + harness.lcg_rounds(i, work)  # the race, a call in the middle
        q.task_done()


def run():
    args = harness.options("sum_threads.py", __doc__, io=False)
    chunks = harness.chunks_of(args)
    q = queue.Queue()
    t0 = harness.clock()
    threads = [threading.Thread(target=worker, args=(q, args.kernel, args.work, args.sync))
               for _ in range(args.workers)]
    for t in threads:
        t.start()
    for chunk in chunks:
        q.put(chunk)
    q.join()
    for _ in threads:
        q.put(None)
    for t in threads:
        t.join()
    wall = harness.clock() - t0
    note = ""
    if args.sync == "none" and args.workers > 1:
        note = (" (updates to the shared total were lost: x = x + i is not one step)"
                if (x & harness.MASK) != harness.expected_sum(args) else
                " (no update was lost this time)")
    harness.finish(harness.sum_result("py-threads", args, x, wall, len(chunks), note,
                                      limits="N threads on a queue.Queue under the GIL: one runs "
                                             "bytecode at a time"), args)


if __name__ == "__main__":
    harness.main(run)
