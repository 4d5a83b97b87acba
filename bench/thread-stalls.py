#!/usr/bin/env python3
"""Where the router's upstream thread sleeps in the kernel (issue 18): what JFR cannot show.

JFR samples a thread running Java or sitting in a native method; a thread stuck in the kernel on a
page fault of a memory-mapped file (the journal) is neither, and shows as a gap. This samples the
thread's state and wchan (/proc/PID/task/TID/stat and wchan) every 2 ms and writes each run of
samples in which it slept outside poll() (state D, or S off poll) for 10 ms or more, with its UTC
start: "HH:MM:SS.mmm <ms> ms (state, wchan)", then how often each (state, wchan) was seen.

Usage: bench/thread-stalls.py OUT [RUNS]: waits for each of RUNS (default 1) RouterBench JVMs in
turn, samples its thread named upstream-127* until that thread ends, and writes OUT-1.txt, OUT-2.txt...
bench/lag.sh starts it with STALLS=1.
"""
import datetime
import glob
import os
import sys
import time

PERIOD = 0.002
MIN_RUN = 0.010


def utc(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%H:%M:%S.%f')[:-3]


def find_thread(seen, timeout=1800):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for cmdline in glob.glob('/proc/[0-9]*/cmdline'):
            proc = os.path.dirname(cmdline)
            if proc in seen:
                continue
            try:
                if b'io.redisreplica.bench.RouterBench' not in open(cmdline, 'rb').read():
                    continue
                for comm in glob.glob(proc + '/task/[0-9]*/comm'):
                    if open(comm).read().startswith('upstream-127'):
                        seen.add(proc)
                        return os.path.dirname(comm)
            except OSError:
                pass
        time.sleep(0.2)
    return None


def sample(task, out):
    counts = {}
    run = None  # [start, key, last]

    def flush():
        if run and run[2] - run[0] >= MIN_RUN:
            out.write('%s %.0f ms %s\n' % (utc(run[0]), (run[2] - run[0]) * 1000, run[1]))
            out.flush()

    while True:
        try:
            state = open(task + '/stat').read().rsplit(')', 1)[1].split()[0]
            wchan = open(task + '/wchan').read().strip()
        except OSError:
            break  # the thread (or the JVM) ended
        now = time.time()
        key = (state, wchan)
        counts[key] = counts.get(key, 0) + 1
        if state == 'D' or (state == 'S' and 'poll' not in wchan):
            if run is None or run[1] != key:
                flush()
                run = [now, key, now]
            else:
                run[2] = now
        else:
            flush()
            run = None
        time.sleep(PERIOD)
    flush()
    out.write('samples by (state, wchan): %r\n' % sorted(counts.items(), key=lambda kv: -kv[1]))


def main():
    prefix = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    seen = set()
    for i in range(1, runs + 1):
        task = find_thread(seen)
        if task is None:
            return
        with open('%s-%d.txt' % (prefix, i), 'w') as out:
            out.write('sampling %s\n' % task)
            sample(task, out)


if __name__ == '__main__':
    main()
