# SPDX-License-Identifier: GPL-2.0-or-later
"""The measuring half of bench/run: makes the input files, runs each
recorder on a pty via ptydrive.py, prints the table and the ratios."""

import argparse
import os
import random
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MB = 1000 * 1000


def make_inputs(out, size_mb):
    text = os.path.join(out, f"text-{size_mb}M.txt")
    binary = os.path.join(out, f"random-{size_mb}M.bin")
    size = size_mb * MB
    if not os.path.exists(text) or os.path.getsize(text) != size:
        rng = random.Random(42)
        words = ["tlog", "session", "recording", "terminal", "json", "message", "écran",
                 "größe", "😀", "pty", "output", "input", "0x7f", "[ok]", "\x1b[1mbold\x1b[0m"]
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 14))) + "\n"
                 for _ in range(5000)]
        block = "".join(lines).encode()
        data = (block * (size // len(block) + 1))[:size]
        with open(text, "wb") as f:
            f.write(data)
    if not os.path.exists(binary) or os.path.getsize(binary) != size:
        with open(binary, "wb") as f:
            f.write(os.urandom(size))
    return {"text": text, "random": binary}


def commands(out, ours, input_path, log):
    cat = ["cat", input_path]
    return {
        "raw relay": ([os.path.join(out, "pty_relay")] + cat, None),
        "script -qf": (["script", "-qf", "-c", " ".join(cat), log], log),
        "reference": (["/usr/bin/tlog-rec", "-w", "file", "-o", log] + cat, log),
        "ours": ([ours, "-w", "file", "-o", log] + cat, log),
    }


def measure(argv, log):
    if log and os.path.exists(log):
        os.unlink(log)
    env = dict(os.environ, TERM="xterm")
    for key in ("TLOG_REC_CONF_FILE", "TLOG_REC_CONF_TEXT"):
        env.pop(key, None)
    res = subprocess.run([sys.executable, os.path.join(HERE, "ptydrive.py")] + argv,
                         stdout=subprocess.PIPE, env=env, check=True)
    wall, user, sys_, rss_kb, received, status = res.stdout.split()
    if int(status) != 0:
        raise SystemExit(f"bench: {argv[0]} exited with status {status}")
    log_bytes = os.path.getsize(log) if log else 0
    if log:
        os.unlink(log)
    return {"wall": float(wall), "cpu": float(user) + float(sys_), "rss": int(rss_kb) / 1024,
            "received": int(received), "log": log_bytes}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--sizes", default="5 50")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split()]
    results = {}
    print(f"each figure is the median of {args.repeats} run(s); "
          f"wall/CPU (user+sys, including cat) and peak RSS from /usr/bin/time", flush=True)
    for size in sizes:
        inputs = make_inputs(args.out, size)
        for kind, path in inputs.items():
            log = os.path.join(args.out, "bench.log")
            for tool, (argv, logpath) in commands(args.out, args.ours, path, log).items():
                runs = [measure(argv, logpath) for _ in range(args.repeats)]
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                results[(tool, kind, size)] = med
                print(f"  measured {tool:<11} {kind:<6} {size:>3} MB: {med['wall']:.2f} s",
                      file=sys.stderr, flush=True)

    print(f"\n{'recorder':<11} {'input':<6} {'MB':>4} {'wall s':>8} {'cpu s':>8} "
          f"{'RSS MB':>8} {'log B/cat B':>12} {'MB/s':>8}")
    for (tool, kind, size), r in results.items():
        ratio = r["log"] / (size * MB) if r["log"] else 0
        print(f"{tool:<11} {kind:<6} {size:>4} {r['wall']:>8.2f} {r['cpu']:>8.2f} "
              f"{r['rss']:>8.1f} {ratio:>12.2f} {size / max(r['wall'], 0.01):>8.1f}")

    print("\nratios (wall time; targets: ours/raw <= 1.2, reference/ours >= 3)")
    for size in sizes:
        for kind in ("text", "random"):
            raw = results[("raw relay", kind, size)]
            ref = results[("reference", kind, size)]
            ours = results[("ours", kind, size)]
            print(f"  {kind:<6} {size:>3} MB: ours/raw {ours['wall'] / max(raw['wall'], 0.01):5.2f}"
                  f"   reference/ours {ref['wall'] / max(ours['wall'], 0.01):5.2f}"
                  f"   (cpu: ours/raw {ours['cpu'] / max(raw['cpu'], 0.01):5.2f},"
                  f" reference/ours {ref['cpu'] / max(ours['cpu'], 0.01):5.2f})")
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\npeak RSS, {small} MB vs {large} MB of output (target: flat)")
        for tool in ("raw relay", "script -qf", "reference", "ours"):
            for kind in ("text", "random"):
                a = results[(tool, kind, small)]["rss"]
                b = results[(tool, kind, large)]["rss"]
                print(f"  {tool:<11} {kind:<6} {a:7.1f} MB -> {b:7.1f} MB")


if __name__ == "__main__":
    main()
