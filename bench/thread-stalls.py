#!/usr/bin/env python3
"""Where the router's upstream thread sleeps in the kernel (issue 18): what JFR cannot show.

JFR samples a thread running Java or sitting in a native method; a thread stuck in the kernel on a
page fault of a memory-mapped file (the journal) is neither, and shows as a gap. This samples the
thread's state and wchan (/proc/PID/task/TID/stat and wchan) every 2 ms and writes each run of
samples in which it slept outside poll() (state D, or S off poll) for 10 ms or more, with its UTC
start: "HH:MM:SS.mmm <ms> ms (state, wchan)", then how often each (state, wchan) was seen.

Usage: bench/thread-stalls.py OUT [RUNS]: waits for each of RUNS (default 1) RouterBench JVMs in
turn, samples its thread named upstream-127* until that thread ends, and writes OUT-1.txt, OUT-2.txt...
The JVM's `pretouch` thread, when it has one (it takes the journal's first writes to each page off
the upstream thread), is sampled alongside into OUT-N-pretouch.txt: where the stalls went.
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


class Sampler:
    """One thread's samples: runs of sleep outside poll() of MIN_RUN or more, and counts by (state, wchan)."""

    def __init__(self, task, out):
        self.task, self.out, self.counts, self.run = task, out, {}, None  # run: [start, key, last]
        out.write('sampling %s\n' % task)

    def flush(self):
        if self.run and self.run[2] - self.run[0] >= MIN_RUN:
            self.out.write('%s %.0f ms %s\n' % (utc(self.run[0]), (self.run[2] - self.run[0]) * 1000, self.run[1]))
            self.out.flush()

    def sample(self, now):
        """False when the thread (or the JVM) ended."""
        try:
            state = open(self.task + '/stat').read().rsplit(')', 1)[1].split()[0]
            wchan = open(self.task + '/wchan').read().strip()
        except OSError:
            return False
        key = (state, wchan)
        self.counts[key] = self.counts.get(key, 0) + 1
        if state == 'D' or (state == 'S' and 'poll' not in wchan and not self.only_d):
            if self.run is None or self.run[1] != key:
                self.flush()
                self.run = [now, key, now]
            else:
                self.run[2] = now
        else:
            self.flush()
            self.run = None
        return True

    only_d = False

    def close(self):
        self.flush()
        self.out.write('samples by (state, wchan): %r\n' % sorted(self.counts.items(), key=lambda kv: -kv[1]))
        self.out.close()


def find_named(proc, name):
    for comm in glob.glob(proc + '/task/[0-9]*/comm'):
        try:
            if open(comm).read().strip() == name:
                return os.path.dirname(comm)
        except OSError:
            pass
    return None


def sample(task, prefix):
    upstream = Sampler(task, open(prefix + '.txt', 'w'))
    proc = os.path.dirname(os.path.dirname(task))
    pretouch = None
    looked = 0
    while True:
        now = time.time()
        if not upstream.sample(now):
            break
        if pretouch is None and now - looked > 0.5:
            looked = now
            found = find_named(proc, 'pretouch')
            if found:
                pretouch = Sampler(found, open(prefix + '-pretouch.txt', 'w'))
                pretouch.only_d = True  # it parks between rounds: only its uninterruptible sleeps matter
        if pretouch and not pretouch.sample(now):
            pretouch.close()
            pretouch = False
        time.sleep(PERIOD)
    upstream.close()
    if pretouch:
        pretouch.close()


def main():
    prefix = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    seen = set()
    for i in range(1, runs + 1):
        task = find_thread(seen)
        if task is None:
            return
        sample(task, '%s-%d' % (prefix, i))


if __name__ == '__main__':
    main()
