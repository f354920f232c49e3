#!/usr/bin/env python3
"""Summarises a JMH JSON result (-rf json) for docs/performance.md.

For each benchmark: JMH's wall-time mean and 99.9% error, the median of the measurement
iterations, and, when the run used -prof dev.lanchat.bench.CpuTimeProfiler, the median CPU time
per operation. On a machine shared with other busy processes CPU time is the steadier number,
so the ratio table leads with it. Usage: summarize.py result.json
"""
import json
import statistics
import sys

PAIRS = [
    # (label, slower-or-alternative, chat-common's choice)
    ("AES-GCM seal+open 64 B: BC / JDK", "AesGcmBenchmark.bcSealOpen[64]", "AesGcmBenchmark.jdkSealOpen[64]"),
    ("AES-GCM seal+open 1 KiB: BC / JDK", "AesGcmBenchmark.bcSealOpen[1024]", "AesGcmBenchmark.jdkSealOpen[1024]"),
    ("AES-GCM seal+open 16 KiB: BC / JDK", "AesGcmBenchmark.bcSealOpen[16384]", "AesGcmBenchmark.jdkSealOpen[16384]"),
    ("CipherState seal+open 64 B / raw JDK", "AesGcmBenchmark.cipherStateSealOpen[64]", "AesGcmBenchmark.jdkSealOpen[64]"),
    ("CipherState seal+open 1 KiB / raw JDK", "AesGcmBenchmark.cipherStateSealOpen[1024]", "AesGcmBenchmark.jdkSealOpen[1024]"),
    ("CipherState seal+open 16 KiB / raw JDK", "AesGcmBenchmark.cipherStateSealOpen[16384]", "AesGcmBenchmark.jdkSealOpen[16384]"),
    ("X25519 agree: JDK XDH / BC", "X25519Benchmark.jdkAgree", "X25519Benchmark.bcAgree"),
    ("X25519 agree: chat-common / raw BC", "X25519Benchmark.commonAgree", "X25519Benchmark.bcAgree"),
    ("X25519 key pair: JDK / chat-common (BC)", "X25519Benchmark.jdkGenerate", "X25519Benchmark.commonGenerate"),
    ("Ed25519 sign: JDK / chat-common (BC)", "Ed25519Benchmark.jdkSign", "Ed25519Benchmark.commonSign"),
    ("Ed25519 sign: chat-common / BC given the public key", "Ed25519Benchmark.commonSign", "Ed25519Benchmark.bcSignWithPublicKey"),
    ("Ed25519 verify: JDK / chat-common (BC)", "Ed25519Benchmark.jdkVerify", "Ed25519Benchmark.commonVerify"),
    ("HKDF: chat-common (BC) / JDK Mac, new Mac each", "HkdfBenchmark.commonHkdf", "HkdfBenchmark.jdkMacHkdf"),
    ("HKDF: chat-common (BC) / JDK Mac, reused", "HkdfBenchmark.commonHkdf", "HkdfBenchmark.jdkMacHkdfReused"),
]


def key(entry):
    name = entry["benchmark"].replace("dev.lanchat.bench.", "")
    params = entry.get("params")
    return name + (f"[{params['size']}]" if params else "")


def summary(metric):
    raw = [x for fork in metric["rawData"] for x in fork]
    q = statistics.quantiles(raw, n=4) if len(raw) > 1 else [raw[0], raw[0], raw[0]]
    return {"mean": metric["score"], "error": metric["scoreError"],
            "median": statistics.median(raw), "q1": q[0], "q3": q[2], "best": min(raw)}


def main(path):
    with open(path) as f:
        data = json.load(f)
    wall, cpu = {}, {}
    print("| Benchmark | Wall: mean ± 99.9% error | Wall: median | CPU (Java threads): median [quartiles] | CPU (process): median |")
    print("|---|---:|---:|---:|---:|")
    for entry in data:
        k = key(entry)
        w = summary(entry["primaryMetric"])
        wall[k] = w["median"]
        secondary = entry.get("secondaryMetrics", {})
        t = summary(secondary["cpu.threads"]) if "cpu.threads" in secondary else None
        p = summary(secondary["cpu.process"]) if "cpu.process" in secondary else None
        if t:
            cpu[k] = t["median"]
        print(f"| {k} | {w['mean']:.3f} ± {w['error']:.3f} | {w['median']:.3f} | "
              + (f"{t['median']:.3f} [{t['q1']:.3f} – {t['q3']:.3f}]" if t else "–") + " | "
              + (f"{p['median']:.3f}" if p else "–") + " |")
    print()
    print("| Ratio (same run) | CPU median × | Wall median × |")
    print("|---|---:|---:|")
    for label, a, b in PAIRS:
        if a in wall and b in wall:
            c = f"{cpu[a] / cpu[b]:.2f}" if a in cpu and b in cpu else "–"
            print(f"| {label} | {c} | {wall[a] / wall[b]:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
