#!/usr/bin/env python3
"""process_join.py [--sleep S] [--no-join] [--json]: notebook 5's
Process(target=f).start() and join(), and os.getpid() / os.getppid().

Written for this project after the slides' joining.py and process_id.py:
main starts a child that sleeps (2 s in the slides; --sleep, 0.2 by
default here) and, with join(), waits for it, so "finishing main" comes
after "finishing fun"; with --no-join, main finishes first. Every line
is stamped with the time since main began and the process that printed
it; the child names its parent (os.getppid()), which is main's pid. The
order is what the lesson is; --json prints the lines as events.
"""
import argparse
import json
import os
import sys
import time
from multiprocessing import Process, Queue

T0 = time.monotonic()


def say(q, what):
    q.put({"t_s": round(time.monotonic() - T0, 4), "pid": os.getpid(), "ppid": os.getppid(),
           "line": what})


def fun(q, sleep_s):
    say(q, "starting fun")
    time.sleep(sleep_s)
    say(q, "finishing fun")


def main():
    p = argparse.ArgumentParser(prog="process_join.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sleep", type=float, default=0.2, help="how long the child sleeps [0.2]")
    p.add_argument("--no-join", action="store_true", help="comment out the join, as the slides do")
    p.add_argument("--json", action="store_true", help="the lines as JSON events")
    a = p.parse_args()
    if not 0 <= a.sleep <= 60:
        p.error("--sleep takes 0..60 seconds")
    q = Queue()
    say(q, "starting main")
    child = Process(target=fun, args=(q, a.sleep))
    child.start()
    if not a.no_join:
        child.join()
    say(q, "finishing main")
    if a.no_join:  # the events are still collected: the child is waited for after main's last line
        child.join()
    events = sorted((q.get() for _ in range(4)), key=lambda e: e["t_s"])
    result = {"join": not a.no_join, "main_pid": os.getpid(), "child_pid": child.pid,
              "child_exitcode": child.exitcode, "events": events,
              "order": [e["line"] for e in events]}
    if a.json:
        print(json.dumps(result))
    else:
        for e in events:
            print(f"{e['t_s']:7.3f} s  pid {e['pid']} (parent {e['ppid']})  {e['line']}")
    return 0 if child.exitcode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
