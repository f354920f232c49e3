#!/usr/bin/env python3
"""Draws docs/perf-chart.svg from the results.tsv files that scripts/bench writes.

    python3 scripts/bench-chart.py OUT.svg RESULTS.tsv [RESULTS.tsv ...]

Left: deliveries a second and p99 latency against offered load (messages a second), one point
per paced run; LanChat in colour, the no-crypto yardstick of the same launch (where the file has
it) in grey. Right: server heap and RSS per connection against clients, one point per join
storm. Plain Python writing SVG, no network and no plotting library.
"""
import csv
import sys

W, H, PAD = 420, 300, 55


def rows(paths):
    for path in paths:
        with open(path, newline='') as f:
            yield from csv.DictReader(f, delimiter='\t')


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def axis(x0, y0, w, h, xmax, ymax, xlabel, ylabel, right_max=None, right_label=None):
    out = [f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#444"/>']
    for i in range(5):
        fx, fy = x0 + w * i / 4, y0 + h - h * i / 4
        out.append(f'<text x="{fx:.0f}" y="{y0 + h + 14}" font-size="10" text-anchor="middle">'
                   f'{xmax * i / 4:,.0f}</text>')
        out.append(f'<text x="{x0 - 4}" y="{fy + 3:.0f}" font-size="10" text-anchor="end">'
                   f'{ymax * i / 4:,.0f}</text>')
        if right_max is not None:
            out.append(f'<text x="{x0 + w + 4}" y="{fy + 3:.0f}" font-size="10">'
                       f'{right_max * i / 4:,.1f}</text>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 + h + 30}" font-size="11" text-anchor="middle">'
               f'{xlabel}</text>')
    out.append(f'<text x="{x0}" y="{y0 - 8}" font-size="11">{ylabel}</text>')
    if right_label:
        out.append(f'<text x="{x0 + w}" y="{y0 - 8}" font-size="11" text-anchor="end" '
                   f'fill="#c0392b">{right_label}</text>')
    return out


def series(x0, y0, w, h, xmax, ymax, points, colour, dash=''):
    pts = [(x0 + w * x / xmax, y0 + h - h * y / ymax) for x, y in sorted(points)]
    out = []
    if len(pts) > 1:
        path = ' '.join(f'{x:.1f},{y:.1f}' for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                   f'stroke-dasharray="{dash}"/>')
    out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in pts]
    return out


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    data = list(rows(argv[2:]))
    paced = [(num(r['offered_msg_s']), num(r['per_s']), num(r['p99_ms'])) for r in data
             if r['scenario'].startswith(('paced', 'latency')) and num(r['offered_msg_s'])
             and num(r['per_s'])]
    plain = [(num(r['offered_msg_s']), num(r.get('plain_per_s')), num(r.get('plain_p99_ms')))
             for r in data if r['scenario'].startswith(('paced', 'latency'))
             and num(r['offered_msg_s']) and num(r.get('plain_per_s'))]
    storms = [(num(r['clients']), num(r['heap_kib_per_conn']), num(r['rss_kib_per_conn']))
              for r in data if r['scenario'].startswith('join storm') and num(r['clients'])]
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W + 40}" height="{H + 40}" '
           f'font-family="sans-serif">', '<rect width="100%" height="100%" fill="white"/>']
    w, h = W - 2 * PAD, H - 2 * PAD
    if paced:
        xmax = max(p[0] for p in paced) * 1.1
        ymax = max(p[1] for p in paced + plain) * 1.1
        pmax = max((p[2] or 0) for p in paced + plain) * 1.1 or 1
        svg += axis(PAD, PAD, w, h, xmax, ymax, 'offered messages/s', 'deliveries/s',
                    pmax, 'p99 ms')
        svg += series(PAD, PAD, w, h, xmax, ymax, [(p[0], p[1]) for p in paced], '#2c6fbb')
        svg += series(PAD, PAD, w, h, xmax, pmax, [(p[0], p[2]) for p in paced if p[2]],
                      '#c0392b', '4 3')
        svg += series(PAD, PAD, w, h, xmax, ymax, [(p[0], p[1]) for p in plain], '#999999')
        svg += series(PAD, PAD, w, h, xmax, pmax, [(p[0], p[2]) for p in plain if p[2]],
                      '#bbbbbb', '4 3')
        if plain:
            svg.append(f'<text x="{PAD + w}" y="{PAD + 14}" font-size="10" text-anchor="end">'
                       f'grey: no-crypto yardstick</text>')
    if storms:
        x0 = W + 40 + PAD
        xmax = max(s[0] for s in storms) * 1.1
        ymax = max(max(s[1] or 0, s[2] or 0) for s in storms) * 1.1 or 1
        svg += axis(x0, PAD, w, h, xmax, ymax, 'clients (idle, joined)', 'KiB per connection')
        svg += series(x0, PAD, w, h, xmax, ymax, [(s[0], s[1]) for s in storms if s[1]],
                      '#2c6fbb')
        svg += series(x0, PAD, w, h, xmax, ymax, [(s[0], s[2]) for s in storms if s[2]],
                      '#7f8c8d', '4 3')
        svg.append(f'<text x="{x0 + w}" y="{PAD + 14}" font-size="10" text-anchor="end">'
                   f'solid: heap after GC, dashed: RSS</text>')
    svg.append('</svg>')
    with open(argv[1], 'w') as f:
        f.write('\n'.join(svg) + '\n')


if __name__ == '__main__':
    main(sys.argv)
