#!/usr/bin/env python3
"""A/B timing of Swasm builds: runs Benchmarks/wasm/*.wasm with each given `swasm` binary, alternating between
the binaries, and prints the best time of each per program and the geometric-mean speedup of each binary over the
first. This is how the rows of docs/performance-log.md are measured (best of N, saved binaries).

  python3 Benchmarks/ab.py --runs 5 /tmp/swasm_before /tmp/swasm_after
  python3 Benchmarks/ab.py --runs 9 --metric cpu /tmp/swasm_before /tmp/swasm_after fib bintrees
  python3 Benchmarks/ab.py --simd /tmp/swasm_before /tmp/swasm_after     # also both builds of the simd_* programs
  python3 Benchmarks/ab.py /tmp/swasm_before /tmp/swasm_after simd_dot simd_dot.simd

Without program names it runs the main and held-out programs but not the SIMD programs (simd_*: wasm/simd_X.wasm
and its -msimd128 build wasm/simd_X.simd.wasm), so that its geometric mean stays comparable with the earlier rows of
docs/performance-log.md; `--simd` adds both builds of every SIMD program, or name them (NAME.simd: the SIMD build).
Each binary's output is checked against Benchmarks/expected/NAME.txt (NAME without .simd); a failure stops the run.
The default metric is user CPU seconds (what `/usr/bin/time -f %U` reports); `--metric cpu` adds system time. Only
the Python standard library is used."""
import argparse
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_once(binary, wasm, metric):
    """CPU seconds of one `binary run wasm`, and its stdout."""
    process = subprocess.Popen([binary, "run", wasm], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = usage.ru_utime + (usage.ru_stime if metric == "cpu" else 0)
    return seconds, out, process.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per binary and program (the best is kept)")
    parser.add_argument("--metric", choices=["user", "cpu"], default="user")
    parser.add_argument("--simd", action="store_true",
                        help="with the default programs, also run both builds of the SIMD programs (simd_*)")
    parser.add_argument("binaries", nargs="+", help="swasm binaries, then optionally program names")
    args = parser.parse_args()
    binaries = [b for b in args.binaries if os.path.sep in b or os.path.isfile(b)]
    programs = [p for p in args.binaries if p not in binaries]
    if len(binaries) < 2:
        sys.exit("give at least two swasm binaries (paths)")
    if not programs:
        programs = sorted(f[:-5] for f in os.listdir(os.path.join(HERE, "wasm")) if f.endswith(".wasm"))
        if not args.simd:
            programs = [p for p in programs if not p.startswith("simd_")]
    names = [os.path.basename(b) for b in binaries]
    if len(set(names)) < len(names):
        names = binaries
    missing = [p for p in programs if not os.path.exists(os.path.join(HERE, "wasm", p + ".wasm"))]
    if missing:
        sys.exit(f"no Benchmarks/wasm/NAME.wasm for: {', '.join(missing)}")
    ratios = {n: [] for n in names[1:]}
    for program in programs:
        wasm = os.path.join(HERE, "wasm", program + ".wasm")
        base_name = program[:-len(".simd")] if program.endswith(".simd") else program
        expected = open(os.path.join(HERE, "expected", base_name + ".txt"), "rb").read()
        best = {}
        for i in range(args.runs):
            # Alternate the order each round, so that load from other processes spreads over all binaries.
            order = binaries[i % len(binaries):] + binaries[:i % len(binaries)]
            for binary in order:
                seconds, out, code = run_once(binary, wasm, args.metric)
                if code != 0 or out != expected:
                    sys.exit(f"{binary} {program}: exit {code}, output {'matches' if out == expected else 'differs'}")
                best[binary] = min(best.get(binary, math.inf), seconds)
        base = best[binaries[0]]
        for binary, name in zip(binaries[1:], names[1:]):
            ratios[name].append(base / best[binary])
        print(f"{program:12s} " + "  ".join(f"{n}={best[b]:.3f}" for b, n in zip(binaries, names)), flush=True)
    for name, rs in ratios.items():
        print(f"{name} speedup over {names[0]}: {math.exp(sum(map(math.log, rs)) / len(rs)):.4f}x (geometric mean)")


if __name__ == "__main__":
    main()
