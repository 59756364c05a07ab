# SPDX-License-Identifier: GPL-2.0-or-later
"""The measuring half of bench/play: records the inputs of bench/run once
with our tlog-rec, then times playing each recording to its end
(--goto=end): ours to a file, ours and the reference on a pty (as
ptydrive.py drives the recorders), and prints a table and the ratios."""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

import bench

HERE = os.path.dirname(os.path.abspath(__file__))


def record(tlog_rec, input_path, log):
    """Records `cat INPUT` into LOG on a pty; the log must hold it all."""
    if os.path.exists(log):
        os.unlink(log)
    r = bench.measure([tlog_rec, "-w", "file", "-o", log, "cat", input_path], None)
    if not os.path.exists(log) or os.path.getsize(log) == 0:
        raise SystemExit(f"bench/play: recording {input_path} left no log")
    return r


def to_file(argv):
    """Runs ARGV with stdin /dev/null and stdout a temporary file, under
    /usr/bin/time; returns wall, cpu, rss and the bytes written."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as times:
        res = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", times.name] + argv,
                             stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
        if res.returncode != 0:
            raise SystemExit(f"bench/play: {argv} failed: {res.stderr.decode(errors='replace')}")
        wall, user, sys_, rss = times.read().split()
        out.seek(0, os.SEEK_END)
        return {"wall": float(wall), "cpu": float(user) + float(sys_),
                "rss": int(rss) / 1024, "received": out.tell()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--tlog-rec", required=True)
    ap.add_argument("--tlog-play", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", default="50")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split()]
    print(f"each figure is the median of {args.repeats} run(s); wall/CPU (user+sys) and "
          f"peak RSS from /usr/bin/time", flush=True)
    results = {}
    for size in sizes:
        for kind, path in bench.make_inputs(args.out, size).items():
            log = os.path.join(args.out, f"play-{kind}-{size}M.log")
            record(args.tlog_rec, path, log)
            cases = {
                "ours, file": lambda: to_file([args.tlog_play, "-r", "file", "-i", log, "--goto=end"]),
                "ours, pty": lambda: bench.measure(
                    [args.tlog_play, "-r", "file", "-i", log, "--goto=end"], None),
                "reference, pty": lambda: bench.measure(
                    ["/usr/bin/tlog-play", "-r", "file", "-i", log, "-g", "end"], None),
            }
            # Interleaved: a burst of load hits every player alike.
            runs = {name: [] for name in cases}
            for _ in range(args.repeats):
                for name, run in cases.items():
                    runs[name].append(run())
            for name, rs in runs.items():
                results[(name, kind, size)] = {
                    k: statistics.median(r[k] for r in rs)
                    for k in ("wall", "cpu", "rss", "received")}
            results[("log", kind, size)] = {"bytes": os.path.getsize(log)}
            os.unlink(log)
            print(f"  measured {kind} {size} MB", file=sys.stderr, flush=True)

    print(f"\n{'player':<15} {'input':<6} {'MB':>4} {'log MB':>7} {'wall s':>8} {'cpu s':>8} "
          f"{'RSS MB':>8} {'out MB':>7}")
    for (name, kind, size), r in results.items():
        if name == "log":
            continue
        log_mb = results[("log", kind, size)]["bytes"] / bench.MB
        print(f"{name:<15} {kind:<6} {size:>4} {log_mb:>7.1f} {r['wall']:>8.2f} "
              f"{r['cpu']:>8.2f} {r['rss']:>8.1f} {r['received'] / bench.MB:>7.1f}")
    print("\n'out MB' is what the player wrote (a pty's is after its own LF -> CR LF).")
    print("\nratios (wall time; target: reference/ours >= 5)")
    for size in sizes:
        for kind in ("text", "random"):
            ref = results[("reference, pty", kind, size)]
            for name in ("ours, file", "ours, pty"):
                ours = results[(name, kind, size)]
                print(f"  {kind:<6} {size:>3} MB: reference, pty / {name:<10} "
                      f"{ref['wall'] / max(ours['wall'], 0.01):5.2f}")


if __name__ == "__main__":
    main()
