#!/usr/bin/env python3
"""Summarises a JFR recording's execution samples by top frames.

    python3 scripts/jfr-top.py RECORDING.jfr [N]

Runs `jfr print --stack-depth 64 --events jdk.ExecutionSample` (the JDK's own tool, from $JAVA_HOME/bin or the
PATH) and prints: the share of samples per thread group (thread name without its number), the N
(default 15) most frequent top frames, and the N LanChat frames (dev.lanchat.*) most often on
the stack anywhere (inclusive share). No network, no library beyond Python's own.
"""
import collections
import os
import re
import subprocess
import sys


def samples(path):
    jfr = os.path.join(os.environ.get('JAVA_HOME', ''), 'bin', 'jfr')
    if not os.path.exists(jfr):
        jfr = 'jfr'
    text = subprocess.run([jfr, 'print', '--stack-depth', '64', '--events',
                           'jdk.ExecutionSample', path],
                          capture_output=True, text=True, check=True).stdout
    for event in text.split('jdk.ExecutionSample {')[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', event)
        # frames are the indented lines of the stackTrace block: "name(params) [line: N]"
        frames = re.findall(r'^ {4}([\w.$<>]+)\(', event, re.M)
        if frames:
            yield (thread.group(1) if thread else '?'), frames


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    n = int(argv[2]) if len(argv) > 2 else 15
    top, inclusive, threads = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for thread, frames in samples(argv[1]):
        total += 1
        threads[re.sub(r'[-#]?\d+$', '', thread)] += 1
        top[frames[0]] += 1
        for f in set(frames):
            if f.startswith('dev.lanchat.'):
                inclusive[f] += 1
    if total == 0:
        print('no execution samples in', argv[1])
        return
    print(f'{total} execution samples in {argv[1]}')
    print('threads:')
    for t, c in threads.most_common(8):
        print(f'  {100 * c / total:5.1f}%  {t}')
    print(f'top frames (self):')
    for f, c in top.most_common(n):
        print(f'  {100 * c / total:5.1f}%  {f}')
    print(f'LanChat frames on the stack (inclusive):')
    for f, c in inclusive.most_common(n):
        print(f'  {100 * c / total:5.1f}%  {f}')


if __name__ == '__main__':
    main(sys.argv)
