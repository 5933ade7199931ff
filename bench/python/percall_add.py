#!/usr/bin/python3
"""Per-call cost of one tiny op from Python: adds two 16-element float32 tensors in a loop, the result freed
each time (its name is rebound), on one intra-op thread, as native-build/bench/add_floor.cpp does from C++.
Prints `py_add_ns <ns per add>` per round, then `py_add_ns_median <median>`.

Usage: /usr/bin/python3 bench/python/percall_add.py [iterations] [rounds]   (Debian's python3 with torch)
       /usr/bin/python3 bench/python/percall_add.py --serve
  --serve: for each line N on stdin, times one round of N adds and prints its ns per add (PerCallBench's
  interleaved rounds drive it so, in lock step with the Java paths, to pair them under one load).
"""
import statistics
import sys
import time

try:
    import torch
except ImportError:
    sys.exit("percall_add.py needs torch: run it with Debian's /usr/bin/python3 (apt-get install python3-torch)")


def setup():
    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(1)
    a = torch.rand(16, dtype=torch.float32, generator=generator)
    b = torch.rand(16, dtype=torch.float32, generator=generator)
    if not torch.equal(torch.add(a, b), a + b):
        sys.exit("torch.add disagrees with a + b")
    # Untimed adds first let the allocator and the dispatcher's caches settle, as JMH's warm-up does.
    for _ in range(20_000):
        torch.add(a, b)
    return a, b


def timed_round(a, b, iterations):
    add = torch.add
    start = time.perf_counter_ns()
    for _ in range(iterations):
        add(a, b)
    return (time.perf_counter_ns() - start) / iterations


def serve():
    a, b = setup()
    for line in sys.stdin:
        iterations = int(line)
        if iterations < 1:
            sys.exit(f"--serve: a round needs at least 1 add, got {iterations}")
        print(f"{timed_round(a, b, iterations):.2f}", flush=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve()
        return
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    if iterations < 1 or rounds < 1:
        sys.exit("iterations and rounds must be at least 1")
    a, b = setup()
    per_add = []
    for _ in range(rounds):
        per_add.append(timed_round(a, b, iterations))
        print(f"py_add_ns {per_add[-1]:.2f}", flush=True)
    print(f"py_add_ns_median {statistics.median(per_add):.2f}")


if __name__ == "__main__":
    main()
