#!/usr/bin/env python3
"""sum_sequential.py: the course's sum of array elements, one loop.

a = list(range(n)) cut into chunks; sum_chunk over each, one after the
other (lesson 3: n = 1e6 gives 499999500000). --kernel heavy runs each
element through --work rounds of concbench's LCG first, so the work is
CPython bytecode, not the C loop inside sum().

  sum_sequential.py --n 1000000 --chunk 100
"""
import harness


def sum_chunk(chunk, kernel, work):
    return harness.chunk_sum(chunk, kernel, work)


def run():
    args = harness.options("sum_sequential.py", __doc__, io=False)
    if args.workers != 1:
        harness.fail("sequential runs one chunk at a time: --workers must be 1")
    chunks = harness.chunks_of(args)
    t0 = harness.clock()
    x = 0
    for chunk in chunks:
        x = x + sum_chunk(chunk, args.kernel, args.work)
    wall = harness.clock() - t0
    harness.finish(harness.sum_result("py-sequential", args, x, wall, len(chunks),
                                      limits="one loop, one thread"), args)


if __name__ == "__main__":
    harness.main(run)
