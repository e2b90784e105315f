#!/usr/bin/env python3
"""sum_procs.py: the course's sum of chunks with multiprocessing.Pool.

Pool(N).map(sum_chunk, chunks) (lesson 3): map pickles the chunks to N
worker processes, each with its own interpreter and its own GIL, so they
compute in parallel on as many cores; the partial sums come back in order
and are added up.

  sum_procs.py --workers 10 --n 1000000 --chunk 100
"""
import multiprocessing
from functools import partial

import harness


def sum_chunk(kernel, work, chunk):  # chunk last, for partial
    return harness.chunk_sum(chunk, kernel, work)


def run():
    args = harness.options("sum_procs.py", __doc__, io=False)
    chunks = harness.chunks_of(args)
    t0 = harness.clock()
    with multiprocessing.Pool(args.workers) as pool:
        x = sum(pool.map(partial(sum_chunk, args.kernel, args.work), chunks))
    wall = harness.clock() - t0
    harness.finish(harness.sum_result("py-procs", args, x, wall, len(chunks),
                                      limits="Pool(N).map: the chunks pickled to N interpreters "
                                             "and the sums back"), args)


if __name__ == "__main__":
    harness.main(run)
