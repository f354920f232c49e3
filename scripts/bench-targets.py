#!/usr/bin/env python3
"""Reads a results.tsv of scripts/bench and says, target by target of issue 12, what was
measured, whether it is met, and by how much it is missed.

    python3 scripts/bench-targets.py RESULTS.tsv

A paced rate is *held* when the deliveries a second reach 98 % of offered × clients, p99 is at
most 50 ms and the run's check passed. Ratios compare LanChat with the no-crypto yardstick of
the same launch. The handshake floor is the mean of the JMH runs just before and just after
the sessions; when they differ by more than a quarter the machine changed speed in between, and
the handshake rows get no verdict.

Each target is judged only at the issue's size (`scripts/bench --full`): the storm and idle rows
at 10,000 clients, paced fan-out with 100 clients and a rate of at least 4,000 msg/s offered,
the latency at 1,000 msg/s into 100 clients, the handshakes in passes of 5,000 sessions. A
smaller launch (plain `scripts/bench`) shows every row with "smaller than the target size" and
no verdict: it checks that each scenario runs and counts right, and its sizes cannot meet or
miss targets set for larger ones.
"""
import csv
import sys


# the two handshake floors of a launch may differ by this much and still make one yardstick
STEADY_FLOORS = 0.25

# the sizes: below them a row is shown without a verdict
STORM_CLIENTS = 10_000
FANOUT_CLIENTS = 100
PACED_MSG_S = 4000
LATENCY_MSG_S = 1000
HANDSHAKE_SESSIONS = 5000

SMALLER = ': smaller than the target size'


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def held(per_s, p99, offered, clients):
    return (per_s is not None and p99 is not None and offered and clients
            and per_s >= 0.98 * offered * clients and p99 <= 50)


def verdict(ok, text):
    return ('met   ' if ok else 'MISSED') + '  ' + text


def judged(at_size, ok, text):
    """A verdict at the issue's size; below it, the figure alone."""
    return verdict(ok, text) if at_size else '  -     ' + text + SMALLER


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    with open(argv[1], newline='') as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    out = []
    storms = [r for r in rows if r['scenario'].startswith('join storm')]
    for r in storms:
        n, heap, rss = num(r['clients']), num(r['heap_kib_per_conn']), num(r['rss_kib_per_conn'])
        # the idle targets, like the storm's, are set for 10,000 clients: at fewer, the server's
        # fixed growth (its code, its JIT, the store's cache) is shared by fewer connections
        def check(ok, text):
            out.append(judged(n >= STORM_CLIENTS, ok, text))
        if heap is not None:
            check(heap <= 16, f'idle heap at {n:,.0f} clients: {heap:.1f} KiB per '
                  f'connection (target <= 16 at 10,000; {heap / 16:.2f}x)')
        if rss is not None:
            check(rss <= 48, f'idle RSS growth at {n:,.0f} clients: {rss:.1f} KiB '
                  f'per connection (target <= 48 at 10,000; {rss / 48:.2f}x)')
        secs = num(r['seconds'])
        check(r['check'] == 'OK' and secs is not None and secs <= 20,
              f'join storm of {n:,.0f}: every roster whole after {r["seconds"]} s, check '
              f'{r["check"]} (target: 10,000 within 20 s)')
    paced = [r for r in rows if r['scenario'].startswith('paced')]
    best, best_plain = 0, 0
    for r in paced:
        offered, clients = num(r['offered_msg_s']), num(r['clients'])
        if r['check'] == 'OK' and held(num(r['per_s']), num(r['p99_ms']), offered, clients):
            best = max(best, offered)
        # launches before the yardstick (2026-12-06 03:03) have no plain_* columns
        if r['check'] == 'OK' and held(num(r.get('plain_per_s')), num(r.get('plain_p99_ms')),
                                       offered, clients):
            best_plain = max(best_plain, offered)
    if paced:
        rates = ', '.join(r['offered_msg_s'] for r in paced)
        # with fewer clients, or no rate as high as the bound, "held 4,000" cannot be shown
        full = (min(num(r['clients']) or 0 for r in paced) >= FANOUT_CLIENTS
                and max(num(r['offered_msg_s']) or 0 for r in paced) >= PACED_MSG_S)
        out.append(judged(full, best >= PACED_MSG_S,
                          f'paced fan-out: LanChat held {best:,.0f} msg/s of {rates} offered '
                          f'(target >= 4,000 with p99 <= 50 ms, 100 clients)'))
        if best_plain:
            out.append(judged(full, best >= 0.8 * best_plain,
                              f'paced fan-out vs no-crypto: {best:,.0f} / {best_plain:,.0f} '
                              f'msg/s held = {best / best_plain:.2f}x (target >= 0.8x)'))
        else:
            out.append('  ?     paced fan-out vs no-crypto: the yardstick held none of the rates')
    for r in rows:
        if r['scenario'].startswith('latency'):
            p99, p999 = num(r['p99_ms']), num(r['p999_ms'])
            q99, q999 = num(r.get('plain_p99_ms')), num(r.get('plain_p999_ms'))
            if None in (p99, p999, q99, q999):
                out.append(f'  ?     {r["scenario"]}: no figures ({r["check"]})')
                continue
            full = (num(r['clients']) or 0) >= FANOUT_CLIENTS and \
                num(r['offered_msg_s']) == LATENCY_MSG_S
            out.append(judged(full, p99 <= 1.5 * q99 and p999 <= 1.5 * q999,
                              f'{r["scenario"]}: p99 {p99:.2f} vs {q99:.2f} ms = {p99 / q99:.2f}x,'
                              f' p99.9 {p999:.2f} vs {q999:.2f} ms = {p999 / q999:.2f}x '
                              f'(target <= 1.5x each, at 1,000 msg/s into 100 clients)'))
    hs = {r['scenario']: num(r['per_s']) for r in rows if r['scenario'].startswith('handshake')}
    # one floor in launches before 2026-12-06 21:30 UTC; since then one before and one after
    floors = [v for k, v in hs.items() if k.startswith('handshake floor') and v]
    floor = sum(floors) / len(floors) if floors else None
    spread = max(floors) / min(floors) - 1 if floors else 0
    steady = spread <= STEADY_FLOORS
    wall = hs.get('handshakes')
    cpu = hs.get('handshakes by CPU time (all cores)')
    # the measured pass's sessions, from its rate and its length: the target is judged on
    # passes of 5,000 (--full); a small launch's pass of 500 lasts about half a second
    pass_secs = next((num(r['seconds']) for r in rows if r['scenario'] == 'handshakes'), None)
    sessions = wall * pass_secs if wall and pass_secs else None
    full_pass = sessions is None or sessions >= 0.99 * HANDSHAKE_SESSIONS
    if floor:
        how = ''
        if len(floors) > 1:
            how = (f'; floor before / after {floors[0]:,.0f} / {floors[-1]:,.0f}, '
                   f'{spread:.0%} apart')
        for label, rate in (('handshakes', wall),
                            ('handshakes by CPU time (if all cores were ours)', cpu)):
            if not rate:
                continue
            text = (f'{label}: {rate:,.0f} sessions/s vs floor {floor:,.0f} = '
                    f'{rate / floor:.2f}x (target >= 0.8x{how})')
            if not full_pass:
                out.append('  -     ' + text + SMALLER)
            elif steady:
                out.append(verdict(rate >= 0.8 * floor, text))
            else:
                out.append('  ?     ' + text + ': the machine changed speed, no verdict')
    print('targets of issue 12:')
    for line in out:
        print('  ' + line)


if __name__ == '__main__':
    main(sys.argv)
