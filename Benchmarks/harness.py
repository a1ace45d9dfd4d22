#!/usr/bin/env python3
"""Swasm benchmark harness: runs Benchmarks/wasm/*.wasm on Swasm, WasmKit 0.4.2 and wasmtime, checks each
runtime's stdout against Benchmarks/expected/NAME.txt, and writes docs/performance.md + docs/performance.svg.

  python3 Benchmarks/harness.py                  # build (or reuse) both runtimes, 5 runs each, write docs/
  python3 Benchmarks/harness.py --runs 3 --only fib --only sort
  python3 Benchmarks/harness.py --no-build       # use the binaries already built
  python3 Benchmarks/harness.py --compile        # also time decode/validate/translate of a large module (+ peak RSS)
  python3 Benchmarks/harness.py --code-size      # also report translated code size vs code section size
  python3 Benchmarks/harness.py --micro          # also run the embedding-API micro benchmarks (ns per operation)
  python3 Benchmarks/harness.py --simd-only      # only the SIMD table (simd_*: scalar and -msimd128 builds)
  python3 Benchmarks/harness.py --no-simd        # everything but the SIMD table
  python3 Benchmarks/harness.py --update-expected  # regenerate expected/*.txt from wasmtime (after build.sh)

The SIMD programs (programs/simd_*.c) are built twice, wasm/simd_X.wasm (-O3) and wasm/simd_X.simd.wasm (-O3
-msimd128); the SIMD table shows every runtime on both builds and each runtime's SIMD / scalar time, apart from the
main table and its geometric mean. A runtime that cannot run a build shows its failure in that cell.

Timing: Swasm and WasmKit are timed as whole processes (process start to exit, stdout captured).
wasmtime runs in a child Python process (so its stdout can be captured like the others); its time is measured
inside that child around compile + instantiate + run, so Python's start-up and `import wasmtime` are excluded.
The default metric is CPU time (user + system, from the child's rusage returned by wait4; process CPU time
inside the wasmtime child), because this machine is shared and wall time doubles when other builds run;
`--metric wall` uses wall-clock time instead. Both are recorded. Runs alternate between runtimes (the order
rotates each round) so that load from other processes spreads over all of them; the table shows the median of
the runs. The report also gives the geometric mean of each round alone (run k of every program), which shows how
far the mean of a single run can move on this machine.

Only the Python standard library is used here; the wasmtime child needs the `wasmtime` package."""
import argparse
import datetime
import math
import os
import platform
import re
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROGRAMS_DIR = os.path.join(HERE, "programs")
WASM_DIR = os.path.join(HERE, "wasm")
EXPECTED_DIR = os.path.join(HERE, "expected")
RUNNER_DIR = os.path.join(HERE, "WasmKitRunner")
RUNNER_SCRATCH = os.path.join(RUNNER_DIR, ".build")
COMPILE_DIR = os.path.join(HERE, "compile")
COMPILE_SCRATCH = os.path.join(HERE, ".build-compile")
DOCS_DIR = os.path.join(ROOT, "docs")
SWASM_BIN = os.path.join(ROOT, ".build", "release", "swasm")
# The README's build for speed: handlers without frame pointers (which SwiftPM keeps on Linux otherwise) and the
# Swift runtime linked into the binary.
SPEED_OPTIONS = ["--omit-frame-pointers", "--static-swift-stdlib"]
WASMKIT_BIN = os.path.join(RUNNER_SCRATCH, "release", "wasmkit-cli")
# --micro: the embedding-API micro benchmarks (set up by prepare_micro).
SWASM_MICRO_BIN = os.path.join(ROOT, ".build", "release", "swasm-micro")
WASMKIT_MICRO_BIN = os.path.join(RUNNER_SCRATCH, "release", "wasmkit-micro")
SWASM_MICRO_STATUS = WASMKIT_MICRO_STATUS = "not built"

# One line per program for the table and the README; programs without an entry show their file's first comment.
DESCRIPTIONS = {
    "fib": "recursive calls (fib, Ackermann, mutual recursion)",
    "sieve": "integer loops (sieve, Collatz)",
    "hash": "bit manipulation (FNV-1a, xxhash-like mixer, popcnt/clz/ctz)",
    "nbody": "f64 physics (n-body)",
    "matmul": "f32 and f64 matrix multiply",
    "interp": "bytecode interpreter (switch -> br_table)",
    "sort": "quicksort, heapsort, merge sort",
    "bintrees": "allocation: binary trees with malloc/free",
    "strings": "string processing (tokenize, hash table, search)",
    "o0mix": "-O0 code (local.get/set and shadow-stack heavy)",
    "crc32lz": "CRC-32 and an LZ77 compressor round trip",
    "mandelbrot": "f64 escape-time loop (Mandelbrot)",
    "held_listmat": "held out: linked list, int matrix, state machine, CRC-16",
    "held_shatok": "held out: SHA-256, base64, a tokenizer",
    "held_ray": "held out: f64 ray tracer",
}
# SIMD programs (simd_*.c) are built twice by build.sh: wasm/simd_X.wasm (-O3, scalar) and wasm/simd_X.simd.wasm
# (-O3 -msimd128); both must print expected/simd_X.txt. They have a table of their own (each runtime on each build,
# and the ratio SIMD / scalar), outside the main table and its geometric mean.
DESCRIPTIONS.update({
    "simd_blur": "u8/u16 image filter: 5-tap binomial and 3x3 box blur, unsharp mask (RGBA)",
    "simd_dot": "f32 dot products (matrix-vector), f32 matrix multiply, f64 axpy",
    "simd_scan": "byte scans: byte counts, memchr-style delimiter search and index, strlen",
    "simd_hash": "multi-lane hashing: 8-lane xxhash32-style mixer, 4-lane FNV-1a",
})
SIMD_PREFIX = "simd_"
SIMD_SUFFIX = ".simd"  # wasm/NAME.simd.wasm is NAME's -msimd128 build
SIMD_BUILDS = (("scalar", ""), ("SIMD", SIMD_SUFFIX))  # (label, file suffix)

# Programs named held_*: written after the interpreter's fusions were chosen from the suite's instruction counts,
# reported in their own table with their own mean, so the report shows how Swasm does on code it was not tuned on.
HELD_OUT_PREFIX = "held_"


def split_held_out(results):
    """(suite results, held-out results), each in the original order."""
    suite = {n: r for n, r in results.items() if not n.startswith(HELD_OUT_PREFIX)}
    return suite, {n: r for n, r in results.items() if n.startswith(HELD_OUT_PREFIX)}


# ---------------------------------------------------------------------------------------------------------
# wasmtime child: `harness.py --wasmtime-child FILE [ARGS...]` runs FILE's _start, copies the guest's stdout
# to ours, and writes "@@harness-time COMPILE TOTAL" as the last line of stderr.

def wasmtime_child(argv):
    import wasmtime  # only the child needs it

    path, args = argv[0], argv[1:]
    engine = wasmtime.Engine()
    t0, c0 = time.perf_counter(), time.process_time()
    module = wasmtime.Module.from_file(engine, path)
    t1, c1 = time.perf_counter(), time.process_time()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    wasi = wasmtime.WasiConfig()
    wasi.argv = [path] + args
    fd, out_path = tempfile.mkstemp(prefix="harness-wasmtime-")
    os.close(fd)
    wasi.stdout_file = out_path
    wasi.inherit_stderr()
    store.set_wasi(wasi)
    code = 0
    try:
        instance = linker.instantiate(store, module)
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        code = e.code
    except wasmtime.Trap as e:
        print(f"trap: {e.message}", file=sys.stderr)
        code = 134
    t2, c2 = time.perf_counter(), time.process_time()
    with open(out_path, "rb") as f:
        sys.stdout.buffer.write(f.read())
    sys.stdout.flush()
    os.unlink(out_path)
    # compile wall, total wall, compile cpu, total cpu
    print(f"@@harness-time {t1 - t0:.6f} {t2 - t0:.6f} {c1 - c0:.6f} {c2 - c0:.6f}", file=sys.stderr)
    sys.exit(code)


# ---------------------------------------------------------------------------------------------------------
# Runtimes

class Runtime:
    def __init__(self, name, argv_for, status="ok"):
        self.name = name
        self.argv_for = argv_for  # (wasm path) -> argv
        self.status = status  # "ok", or why it can't run (shown in every cell of its column)

    def run(self, wasm, timeout):
        """Returns ({"wall": s, "cpu": s} or None, stdout bytes, exit code or None on timeout, stderr text)."""
        return timed_run(self.argv_for(wasm), timeout, self.name == "wasmtime")


GNU_TIME = "/usr/bin/time"


def gnu_time_works():
    """True when GNU time is there (Debian package `time`); it measures a child's peak memory (see timed_run)."""
    global _gnu_time_ok
    if _gnu_time_ok is None:
        _gnu_time_ok = probe([GNU_TIME, "-f", "%M", "-o", os.devnull, "true"])
    return _gnu_time_ok


_gnu_time_ok = None


def timed_run(argv, timeout, wasmtime_child_times=False, peak_memory=False):
    """Runs argv. CPU time comes from this child's own rusage (os.wait4), so nothing else that runs meanwhile is
    counted. With peak_memory, times["maxrss_kb"] is the command's peak resident set size in KiB, or None.

    Peak memory is measured by running the command under GNU time (`/usr/bin/time -f %M`), not from wait4's
    ru_maxrss: Linux carries the high-water mark of the process that forked across exec, so ru_maxrss of a child
    forked from this Python process is never below this process's own RSS (about 17 MiB); GNU time forks the
    command from a process of about 1 MiB."""
    rss_file = None
    if peak_memory and gnu_time_works():
        fd, rss_file = tempfile.mkstemp(prefix="harness-rss-")
        os.close(fd)
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file] + list(argv)
    try:
        times, stdout, code, err = _timed_run(argv, timeout)
        if times is not None and peak_memory:
            times["maxrss_kb"] = None
            if rss_file:
                with open(rss_file) as f:
                    last = f.read().strip().split("\n")[-1]
                times["maxrss_kb"] = int(last) if last.isdigit() else None
    finally:
        if rss_file:
            os.unlink(rss_file)
    if times is not None and wasmtime_child_times:
        lines = err.rstrip("\n").split("\n")
        if lines and lines[-1].startswith("@@harness-time "):
            f = [float(x) for x in lines[-1].split()[1:]]
            times.update({"wall": f[1], "cpu": f[3], "compile_wall": f[0], "compile_cpu": f[2]})
            err = "\n".join(lines[:-1])
    return times, stdout, code, err


def _timed_run(argv, timeout):
    """({"wall", "cpu"} or None on timeout, stdout bytes, exit code (None: timeout, -1: not started), stderr)."""
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        t0 = time.perf_counter()
        try:
            # A session of its own, so that a timeout kills the command and anything it started (GNU time's child).
            p = subprocess.Popen(argv, stdout=out_file, stderr=err_file, stdin=subprocess.DEVNULL, cwd=ROOT,
                                 start_new_session=True)
        except OSError as e:
            return None, b"", -1, str(e)
        timed_out = []

        def kill():
            timed_out.append(True)
            try:
                os.killpg(p.pid, signal.SIGKILL)  # not p.kill(): that would reap the child before wait4 below
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        # Wait for the exit without reaping (WNOWAIT), so the timer can never signal a reused pid or group; then
        # reap with wait4, which returns the child's resource usage (including its own waited-for children).
        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
        wall = time.perf_counter() - t0
        timer.cancel()
        timer.join()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        if timed_out:
            return None, b"", None, "timeout"
        out_file.seek(0)
        err_file.seek(0)
        stdout, stderr = out_file.read(), err_file.read()
    return ({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime}, stdout, p.returncode,
            stderr.decode("utf-8", "replace"))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_cmd(argv, cwd, what):
    log(f"$ (cd {os.path.relpath(cwd, ROOT) or '.'} && {' '.join(argv)})")
    t0 = time.perf_counter()
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        log(f"{what} failed (exit {p.returncode}); last lines:\n" + "\n".join(out.rstrip().split("\n")[-15:]))
    else:
        log(f"{what}: ok ({time.perf_counter() - t0:.0f} s)")
    return p.returncode == 0


def probe(argv):
    """True when the command exists and exits 0."""
    try:
        return subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                              timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def has_subcommand(binary, name):
    """True when `binary --help` lists `name` under SUBCOMMANDS (ArgumentParser's layout). Probing
    `binary NAME --help` is not enough: ArgumentParser prints the root help and exits 0 for an unknown NAME."""
    try:
        out = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    in_section = False
    for line in out.splitlines():
        if line.strip().upper().startswith("SUBCOMMANDS"):
            in_section = True
        elif in_section and line and not line.startswith(" "):
            in_section = False
        elif in_section and line.strip():
            words = line.split()
            if words[0] == name or words[0].rstrip(",") == name:
                return True
    return False


def make_runtimes(args):
    runtimes = []
    # Swasm
    status = "ok"
    if not args.no_build and not args.swasm:
        scratch = ["--scratch-path", os.path.abspath(args.swasm_scratch)] if args.swasm_scratch else []
        if not run_cmd(["swift", "build", "-c", "release", "--product", "swasm"] + SPEED_OPTIONS + scratch, ROOT, "Swasm release build"):
            status = "build failed"
    if status == "ok" and not os.path.exists(SWASM_BIN):
        status = "missing (not built)"
    if status == "ok" and not has_subcommand(SWASM_BIN, "run"):
        status = "missing (`swasm run`)"
    runtimes.append(Runtime("Swasm", lambda w: [SWASM_BIN, "run", w], status))
    # WasmKit
    status = "ok"
    # WasmKit is pinned to 0.4.2, so an existing binary is reused: SwiftPM recompiles WasmKit's CLICommands
    # target on every `swift build` of this package (~90 s of CPU on 2 cores) even when nothing changed.
    if not args.no_build and not args.wasmkit and not build_runner_product(args, "wasmkit-cli", WASMKIT_BIN):
        status = "build failed"
    if status == "ok" and not os.path.exists(WASMKIT_BIN):
        status = "missing (not built)"
    runtimes.append(Runtime("WasmKit", lambda w: [WASMKIT_BIN, "run", w], status))
    # wasmtime
    status = "ok" if probe([sys.executable, "-c", "import wasmtime"]) else "missing (pip install wasmtime)"
    runtimes.append(Runtime("wasmtime", lambda w: [sys.executable, os.path.abspath(__file__), "--wasmtime-child", w],
                            status))
    for rt in runtimes:
        log(f"{rt.name}: {rt.status}")
    return runtimes


def build_runner_product(args, product, binary):
    """Builds a product of the WasmKit runner package once (or again with --rebuild-wasmkit); False if that fails."""
    if os.path.exists(binary) and not args.rebuild_wasmkit:
        return True
    return run_cmd(["swift", "build", "-c", "release", "--product", product, "--scratch-path", RUNNER_SCRATCH],
                   RUNNER_DIR, f"{product} release build")


def prepare_micro(args):
    """Builds (unless told not to) and checks the two micro benchmark binaries; sets their statuses."""
    global SWASM_MICRO_STATUS, WASMKIT_MICRO_STATUS
    status = "ok"
    # Built like swasm: when the harness builds Swasm, it builds swasm-micro in the same place.
    if not args.no_build and not args.swasm and not args.swasm_micro:
        scratch = ["--scratch-path", os.path.abspath(args.swasm_scratch)] if args.swasm_scratch else []
        if not run_cmd(["swift", "build", "-c", "release", "--product", "swasm-micro"] + SPEED_OPTIONS + scratch, ROOT,
                       "swasm-micro release build"):
            status = "build failed"
    if status == "ok" and not os.path.exists(SWASM_MICRO_BIN):
        status = f"missing (no {os.path.relpath(SWASM_MICRO_BIN, ROOT)}; build the swasm-micro product or pass --swasm-micro)"
    SWASM_MICRO_STATUS = status
    status = "ok"
    # Built like wasmkit-cli: once, in the runner's scratch folder, unless --rebuild-wasmkit.
    if not args.no_build and not args.wasmkit_micro and not build_runner_product(args, "wasmkit-micro", WASMKIT_MICRO_BIN):
        status = "build failed"
    if status == "ok" and not os.path.exists(WASMKIT_MICRO_BIN):
        status = f"missing (no {os.path.relpath(WASMKIT_MICRO_BIN, ROOT)}; build the wasmkit-micro product or pass --wasmkit-micro)"
    WASMKIT_MICRO_STATUS = status
    log(f"swasm-micro: {SWASM_MICRO_STATUS}; wasmkit-micro: {WASMKIT_MICRO_STATUS}")


# ---------------------------------------------------------------------------------------------------------
# Benchmark runs

def program_names(only, simd="yes"):
    """(main programs, SIMD programs): names of wasm/NAME.wasm, the SIMD programs (simd_*) apart and without their
    NAME.simd builds. `only` filters both; simd is "yes", "no" (no SIMD programs) or "only" (no main programs)."""
    files = sorted(f[:-5] for f in os.listdir(WASM_DIR) if f.endswith(".wasm"))
    names = [n for n in files if not n.startswith(SIMD_PREFIX)]
    simd_names = [n for n in files if n.startswith(SIMD_PREFIX) and not n.endswith(SIMD_SUFFIX)]
    if only:
        wanted = [n for o in only for n in o.split(",") if n]
        unknown = [n for n in wanted if n not in names + simd_names]
        if unknown:
            sys.exit(f"unknown program(s): {', '.join(unknown)}; known: {', '.join(names + simd_names)}")
        names = [n for n in names if n in wanted]
        simd_names = [n for n in simd_names if n in wanted]
    if simd == "no":
        simd_names = []
    elif simd == "only":
        names = []
    return names, simd_names


def describe_failure(code, err):
    if code is None:
        return "timeout"
    first = next((line for line in err.splitlines() if line.strip()), "")
    first = first.replace(ROOT + os.sep, "")  # module paths relative to the repository, so the cause fits in the cell
    return f"failed (exit {code})" + (f": {first[:120]}" if first else "")


def bench(names, runtimes, runs, timeout, metric):
    """results[name][runtime] = {"times": [...]} or {"error": text}."""
    results = {}
    for name in names:
        wasm = os.path.join(WASM_DIR, name + ".wasm")
        results[name] = bench_cells(name, [(rt.name, rt, wasm) for rt in runtimes], runs, timeout, metric)
    return results


def simd_key(runtime_name, build):
    return f"{runtime_name} {build}"


def bench_simd(names, runtimes, runs, timeout, metric):
    """The SIMD table: results[name]["RUNTIME BUILD"] (build "scalar" or "SIMD") = {"times": [...]} or
    {"error": text}. Every runtime runs both builds of a program in each round, in a rotating order."""
    results = {}
    for name in names:
        cells = [(simd_key(rt.name, build), rt, os.path.join(WASM_DIR, name + suffix + ".wasm"))
                 for rt in runtimes for build, suffix in SIMD_BUILDS]
        results[name] = bench_cells(name, cells, runs, timeout, metric)
    return results


def bench_cells(name, cells, runs, timeout, metric):
    """Runs every (key, runtime, wasm) cell `runs` times, the order rotating each round, and checks each stdout
    against expected/NAME.txt. Returns {key: {"times": [...], "other": [...]} or {"error": text}}."""
    expected_path = os.path.join(EXPECTED_DIR, name + ".txt")
    expected = open(expected_path, "rb").read() if os.path.exists(expected_path) else None
    res = {key: ({"times": []} if rt.status == "ok" else {"error": rt.status}) for key, rt, _ in cells}
    active = [c for c in cells if c[1].status == "ok"]
    for i in range(runs):
        order = active[i % len(active):] + active[:i % len(active)] if active else []
        for key, rt, wasm in order:
            r = res[key]
            if "error" in r:
                continue
            secs, out, code, err = rt.run(wasm, timeout)
            if code != 0:
                r.clear()
                r["error"] = describe_failure(code, err)
            elif expected is None:
                r.clear()
                r["error"] = "no expected output"
            elif out != expected:
                r.clear()
                r["error"] = "output mismatch"
                r["got"] = out.decode("utf-8", "replace")[:400]
            else:
                r["times"].append(secs[metric])
                r.setdefault("other", []).append(secs["wall" if metric == "cpu" else "cpu"])
    log(f"{name:12s} " + "  ".join(f"{key}={cell(res[key])}" for key, _, _ in cells))
    return res


def median(r):
    return statistics.median(r["times"]) if r.get("times") else None


def cell(r):
    m = median(r)
    return f"{m:.3f}" if m is not None else r.get("error", "-")


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def speedups(results):
    """{name: WasmKit median / Swasm median} for programs where both ran correctly."""
    out = {}
    for name, res in results.items():
        s, w = median(res["Swasm"]), median(res["WasmKit"])
        out[name] = (w / s) if s and w else None
    return out


def round_speedups(results):
    """The geometric-mean speedup of each round: run k of every program on Swasm and on WasmKit (the runs of a
    round are close in time, so their spread shows how much a single harness run's mean can move). Empty unless
    every program ran correctly on both."""
    pairs = [(res["Swasm"].get("times"), res["WasmKit"].get("times")) for res in results.values()]
    if not pairs or not all(s and w for s, w in pairs):
        return []
    rounds = min(min(len(s), len(w)) for s, w in pairs)
    return [geomean([w[k] / s[k] for s, w in pairs]) for k in range(rounds)]


# ---------------------------------------------------------------------------------------------------------
# Compile-time measurement (--compile)

def build_big_module():
    os.makedirs(COMPILE_SCRATCH, exist_ok=True)
    c_path, wasm_path = os.path.join(COMPILE_SCRATCH, "big.c"), os.path.join(COMPILE_SCRATCH, "big.wasm")
    gen = os.path.join(COMPILE_DIR, "genbig.py")
    if os.path.exists(wasm_path) and os.path.getmtime(wasm_path) > os.path.getmtime(gen):
        return wasm_path
    log("generating and compiling the large module (once; cached in Benchmarks/.build-compile/) ...")
    with open(c_path, "w") as f:
        subprocess.run([sys.executable, gen], stdout=f, check=True)
    cc = os.environ.get("CC", "clang-16")
    subprocess.run([cc, "--target=wasm32-wasi", "--sysroot=" + os.environ.get("SYSROOT", "/usr"), "-O2", c_path,
                    "-o", wasm_path, "-lm"], check=True)
    return wasm_path


def time_cmd(argv, runs, timeout, metric):
    """{"secs": median time, "rss_mb": median peak RSS in MiB, "stdout": last run's output}, or failure text."""
    times, rss, out = [], [], b""
    for _ in range(runs):
        secs, out, code, err = timed_run(argv, timeout, peak_memory=True)
        if code != 0:
            return describe_failure(code, err)
        times.append(secs[metric])
        if secs["maxrss_kb"] is not None:
            rss.append(secs["maxrss_kb"] / 1024)
    return {"secs": statistics.median(times), "rss_mb": statistics.median(rss) if rss else None,
            "stdout": out.decode("utf-8", "replace")}


def compile_measurements(runtimes, runs, timeout, metric):
    """Rows of (runtime, what, command, {"secs", "rss_mb"} or failure text)."""
    wasm = build_big_module()
    rel = os.path.relpath(wasm, ROOT)
    rows = []
    by_name = {rt.name: rt for rt in runtimes}
    swasm = by_name["Swasm"]
    if os.path.exists(SWASM_BIN):
        for sub, what in (("validate", "decode + validate"), ("compile", "decode + validate + translate"),
                          ("run", "whole run (main does almost nothing)")):
            if has_subcommand(SWASM_BIN, sub):
                rows.append(("Swasm", what, f"swasm {sub} {rel}", time_cmd([SWASM_BIN, sub, wasm], runs, timeout, metric)))
        if has_subcommand(SWASM_BIN, "compile"):
            # The phases as timed inside the process (wall clock; median of the runs).
            phases = {}
            for _ in range(runs):
                stats = swasm_compile_stats(wasm, timeout)
                for k in ("decode", "validate + translate"):
                    if isinstance(stats, dict) and k in stats:
                        phases.setdefault(k, []).append(stats[k])
            for k in ("decode", "validate + translate"):
                val = ({"secs": statistics.median(phases[k]), "rss_mb": None} if k in phases
                       else "not printed by `swasm compile --stats`")
                rows.append(("Swasm", f"{k} (phase, timed in-process, wall clock)", f"swasm compile --stats {rel}", val))
        else:
            rows.insert(0, ("Swasm", "decode + validate + translate", "swasm compile",
                            "TODO: no `swasm compile` subcommand in this binary"))
    else:
        rows.append(("Swasm", "decode + validate + translate", "swasm validate / swasm compile",
                     f"TODO: Swasm not available ({swasm.status})"))
    if by_name["WasmKit"].status == "ok":
        for mode, what in (("lazy", "parse + trivial run (bodies validated and translated on first call)"),
                           ("eager", "parse + validate + translate all + trivial run")):
            rows.append(("WasmKit", what, f"wasmkit-cli run --compilation-mode {mode} {rel}",
                         time_cmd([WASMKIT_BIN, "run", "--compilation-mode", mode, wasm], runs, timeout, metric)))
    else:
        rows.append(("WasmKit", "parse + validate + translate all", "wasmkit-cli run --compilation-mode eager",
                     f"not measured: WasmKit {by_name['WasmKit'].status}"))
    if by_name["wasmtime"].status == "ok":
        t = []
        for _ in range(runs):
            secs, _, code, _ = timed_run([sys.executable, os.path.abspath(__file__), "--wasmtime-child", wasm],
                                         timeout, True)
            if code == 0 and secs and "compile_cpu" in secs:
                t.append(secs["compile_" + metric])
        rows.append(("wasmtime", "Cranelift compile (in-process)", f"wasmtime.Module.from_file({rel})",
                     {"secs": statistics.median(t), "rss_mb": None} if t else "failed"))
    return wasm, rows


# ---------------------------------------------------------------------------------------------------------
# Translated code size (--code-size): `swasm compile --stats` prints the code section size and the size of the
# translated code.

STATS_SIZES = re.compile(r"code section: (\d+) bytes, translated code: (\d+) bytes")
STATS_PHASE = re.compile(r"^\s*(decode|validate \+ translate): ([0-9.]+) s$", re.M)
CODE_SIZE_LIMIT = 4.0  # translated code may be at most 4x the code section


def swasm_compile_stats(wasm, timeout):
    """{"code_section": bytes, "translated": bytes, "decode": s, "validate + translate": s} from
    `swasm compile --stats`, or failure text."""
    if not os.path.exists(SWASM_BIN) or not has_subcommand(SWASM_BIN, "compile"):
        return "no `swasm compile` subcommand"
    _, out, code, err = timed_run([SWASM_BIN, "compile", "--stats", wasm], timeout)
    if code != 0:
        return describe_failure(code, err)
    text = out.decode("utf-8", "replace")
    stats = {k: float(v) for k, v in STATS_PHASE.findall(text)}
    m = STATS_SIZES.search(text)
    if m:
        stats["code_section"], stats["translated"] = int(m.group(1)), int(m.group(2))
    return stats


def code_size_measurements(names, timeout, with_big):
    """Rows of (module, code section bytes, translated bytes) or (module, failure text)."""
    modules = [(n, os.path.join(WASM_DIR, n + ".wasm")) for n in names]
    if with_big:
        big = build_big_module()
        modules.append((f"{os.path.relpath(big, ROOT)} (large module)", big))
    rows = []
    for name, path in modules:
        stats = swasm_compile_stats(path, timeout)
        if isinstance(stats, dict) and "translated" in stats:
            rows.append((name, stats["code_section"], stats["translated"]))
        else:
            rows.append((name, stats if isinstance(stats, str) else "sizes not printed by `swasm compile --stats`"))
        log(f"code size {name}: {rows[-1][1:]}")
    return rows


# ---------------------------------------------------------------------------------------------------------
# Embedding-API micro benchmarks (--micro): Benchmarks/Micro (swasm-micro) and WasmKitRunner/Micro
# (wasmkit-micro) print `KEY: X ns/op (...): what` lines for the same module.

MICRO_LINE = re.compile(r"^([\w-]+): ([0-9.]+) ns/op \(([^)]*)\): (.*)$")
MICRO_ROWS = [
    ("instantiate", "instantiate a small module (new store, 2 host imports, 1 page, a data and an elem segment)"),
    ("call", "call from Swift into wasm, `(func (param i32) (result i32))`, arguments and results as `[Value]`"),
    ("call-alt", "the same call through the other public form (Swasm: a `typed()` closure; WasmKit: "
                 "`invoke(_:on:)` with a reused `ExecutionStack`)"),
    ("host-call", "call from wasm into Swift (a wasm loop calling an imported `(i32) -> i32`), `[Value]` host function"),
    ("host-call-alt", "the same host call with the other public host-function form (Swasm: a typed closure; "
                      "WasmKit: a `raw:` function on buffers)"),
    ("wasm-call", "reference: the same wasm loop calling a wasm function instead of the import"),
]
# Rows that are alternative forms of one operation: the report also gives each runtime's cheapest form.
MICRO_CHEAPEST = [("call from Swift into wasm", ("call", "call-alt")),
                  ("call from wasm into Swift (host call)", ("host-call", "host-call-alt"))]


def micro_measurements(args):
    """{"Swasm"/"WasmKit": {"status": text, "rows": {key: (ns, detail, what)}}}."""
    argv_extra = ["--calls", str(args.micro_calls), "--instances", str(args.micro_instances), "--rounds", "3"]
    out = {}
    for rt, binary, status in (("Swasm", SWASM_MICRO_BIN, SWASM_MICRO_STATUS),
                               ("WasmKit", WASMKIT_MICRO_BIN, WASMKIT_MICRO_STATUS)):
        if status != "ok":
            out[rt] = {"status": status, "rows": {}}
            log(f"micro {rt}: {status}")
            continue
        _, stdout, code, err = timed_run([binary] + argv_extra, args.timeout)
        rows = {}
        for line in stdout.decode("utf-8", "replace").splitlines():
            m = MICRO_LINE.match(line.strip())
            if m:
                rows[m.group(1)] = (float(m.group(2)), m.group(3), m.group(4))
        out[rt] = {"status": "ok" if code == 0 else describe_failure(code, err), "rows": rows}
        log(f"micro {rt}: {out[rt]['status']}; " + ", ".join(f"{k}={v[0]}" for k, v in rows.items()))
    return out


# ---------------------------------------------------------------------------------------------------------
# Reports

def git_info():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "Sources", "Package.swift"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return rev + (" (with uncommitted changes in Sources/)" if dirty else "")
    except OSError:
        return "unknown"


def cpu_model():
    """The CPU's model name as `lscpu` prints it, with its family/model/stepping numbers (a virtual machine may show
    only a generic name such as "Intel(R) Xeon(R) Processor"); from /proc/cpuinfo if lscpu is missing."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=30,
                             env=dict(os.environ, LC_ALL="C")).stdout
        fields = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if v}
        if "Model name" in fields:
            ids = [f"{k.lower()} {fields[k]}" for k in ("CPU family", "Model", "Stepping") if k in fields]
            return fields["Model name"] + (f" ({', '.join(ids)})" if ids else "")
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU model"


def cpu_simd_flags():
    """The x86 vector extensions the CPU reports (what a JIT such as Cranelift can lower wasm SIMD to)."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                return [f for f in ("sse4_1", "sse4_2", "avx", "avx2", "avx512f") if f in flags]
    except OSError:
        pass
    return []


def binary_time(path):
    return datetime.datetime.fromtimestamp(os.path.getmtime(path)).strftime("%Y-%m-%d %H:%M")


def description(name):
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    try:
        first = open(os.path.join(PROGRAMS_DIR, name + ".c")).readline()
        return first.lstrip("/ ").strip().split(".")[0]
    except OSError:
        return ""


def fmt_secs(r):
    m = median(r)
    if m is not None:
        return f"{m:.3f}"
    return r.get("error", "-").replace("|", "\\|")


def program_table(results, sp):
    lines = ["| program | measures | Swasm s | WasmKit s | wasmtime s | speedup vs WasmKit |", "|---|---|---:|---:|---:|---:|"]
    for name, res in results.items():
        s = sp[name]
        lines.append(f"| {name} | {description(name)} | {fmt_secs(res['Swasm'])} | {fmt_secs(res['WasmKit'])} | "
                     f"{fmt_secs(res['wasmtime'])} | {f'{s:.2f}x' if s else '-'} |")
    return lines


def ratio(num, den):
    """num median / den median, or None when either did not run correctly."""
    a, b = median(num), median(den)
    return a / b if a and b else None


def fmt_ratio(x):
    return f"{x:.2f}x" if x else "-"


def simd_section(simd_results, runtimes, args):
    """The SIMD table: every runtime on both builds of each simd_* program, and each runtime's SIMD / scalar."""
    flags = cpu_simd_flags()
    lines = ["## SIMD programs", "",
             f"CPU: **{cpu_model()}** (`lscpu`)" + (f"; vector extensions: {', '.join(flags)}" if flags else "") + ". "
             "Each program is built twice from the same C source by `Benchmarks/build.sh`: `wasm/NAME.wasm` with "
             "`-O3` (scalar) and `wasm/NAME.simd.wasm` with `-O3 -msimd128` (clang's vectorized loops or "
             "`wasm_simd128.h` intrinsics); both builds must print `expected/NAME.txt`. Same runs and method as above "
             f"(median of {args.runs}, seconds of {'CPU time' if args.metric == 'cpu' else 'wall-clock time'}); "
             "not in the geometric means above. **SIMD / scalar** is the SIMD build's time over the scalar build's "
             "on the same runtime: below 1.0 the SIMD build is faster. Swasm's goal: at most 1.0.", "",
             "| program | measures | Swasm scalar s | Swasm SIMD s | Swasm SIMD / scalar | WasmKit scalar s | "
             "WasmKit SIMD s | WasmKit SIMD / scalar | wasmtime scalar s | wasmtime SIMD s | wasmtime SIMD / scalar |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    names = [rt.name for rt in runtimes]
    ratios = {rt: [] for rt in names}
    for name, res in simd_results.items():
        cells = []
        for rt in ("Swasm", "WasmKit", "wasmtime"):
            if rt not in names:
                cells += ["-", "-", "-"]
                continue
            sc, sd = res[simd_key(rt, "scalar")], res[simd_key(rt, "SIMD")]
            x = ratio(sd, sc)
            ratios[rt].append(x)
            cells += [fmt_secs(sc), fmt_secs(sd), fmt_ratio(x)]
        lines.append(f"| {name} | {description(name)} | " + " | ".join(cells) + " |")
    lines.append("")
    for rt in names:
        g = geomean(ratios[rt])
        n = sum(1 for x in ratios[rt] if x)
        lines.append(f"- {rt}: SIMD / scalar " + (f"{g:.2f}x (geometric mean over {n} of {len(simd_results)} programs)"
                                                   if g else "n/a (no program ran correctly in both builds)"))
    vs = {n: ratio(res[simd_key("WasmKit", "SIMD")], res[simd_key("Swasm", "SIMD")])
          for n, res in simd_results.items()} if {"Swasm", "WasmKit"} <= set(names) else {}
    g = geomean(vs.values())
    lines += [f"- SIMD builds, speedup vs WasmKit (WasmKit SIMD / Swasm SIMD): "
              + (f"{g:.2f}x (geometric mean over {sum(1 for v in vs.values() if v)} programs; "
                 + ", ".join(f"{n} {fmt_ratio(v)}" for n, v in vs.items()) + ")" if g else "n/a (Swasm or WasmKit did not run them)"),
              ""]
    return lines


def main_section(suite, sp):
    """The main table, its geometric mean and spread, and the chart."""
    lines = program_table(suite, sp)
    g = geomean(sp.values())
    n_both = sum(1 for v in sp.values() if v)
    gw = geomean([median(r["WasmKit"]) / median(r["wasmtime"]) for r in suite.values()
                  if median(r["WasmKit"]) and median(r["wasmtime"])])
    lines += ["",
              f"**Geometric mean speedup vs WasmKit: {f'{g:.3f}x' if g else 'n/a (no program ran on both)'}**"
              + (f" over {n_both} of {len(suite)} programs." if g else ""),
              ""]
    per_round = round_speedups(suite)
    if len(per_round) > 1:
        lines += [f"Spread: the geometric mean of each round alone (run k of every program on both runtimes) goes from "
                  f"{min(per_round):.3f}x to {max(per_round):.3f}x over the {len(per_round)} rounds "
                  f"({', '.join(f'{x:.3f}' for x in per_round)}).", ""]
    lines += [f"For scale: WasmKit takes {gw:.1f}x wasmtime's time (geometric mean)." if gw else "",
              "", "![speedup per program](performance.svg)", ""]
    return lines


def write_markdown(path, results, runtimes, args, load_before, load_after, extra, simd_results=None):
    simd_results = simd_results or {}
    suite, held_out = split_held_out(results)
    sp = speedups(suite)
    lines = ["# Performance", "",
             "Generated by `python3 Benchmarks/harness.py` — do not edit by hand; rerun the harness.", "",
             f"- Date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}",
             f"- Swasm commit: {git_info()} (at the time of the report); binary "
             + (f"`{os.path.relpath(SWASM_BIN, ROOT)}` built {binary_time(SWASM_BIN)}" if os.path.exists(SWASM_BIN)
                else "missing"),
             f"- Machine: {cpu_model()} ({platform.machine()}, `lscpu`), {os.cpu_count()} cores, "
             f"{platform.system()} {platform.release()}; "
             f"load average {load_before:.2f} before, {load_after:.2f} after (a shared machine: expect noise)",
             f"- Runs per runtime and program: {args.runs}, alternating runtimes; the median is shown, in seconds of "
             + ("CPU time (user + system)" if args.metric == "cpu" else "wall-clock time")
             + f" (`--metric {args.metric}`)",
             "- Swasm and WasmKit 0.4.2 (`wasmkit-cli run`, release build): the whole process. "
             "wasmtime (PyPI, Cranelift JIT, the reference): compile + instantiate + run, measured in-process.",
             "- Speedup vs WasmKit = WasmKit time / Swasm time (above 1.0: Swasm is faster). "
             "Outputs are checked against `Benchmarks/expected/`; a mismatch or failure is shown instead of a time.",
             ]
    if args.only or args.simd != "yes":
        lines.append(f"- Partial run: only {', '.join(list(results) + list(simd_results)) or 'no program'}")
    lines.append("")
    if suite:
        lines += main_section(suite, sp)
    if held_out:
        hsp = speedups(held_out)
        hg = geomean(hsp.values())
        lines += ["## Held-out programs", "",
                  "Written after the interpreter's fused instructions were chosen (from instruction-pair counts over the "
                  "programs above), and not used to choose them: how Swasm does on code it was not tuned on. Same runs "
                  "and method as above; not in the mean above.", ""] + program_table(held_out, hsp) + [
                  "", f"**Geometric mean speedup vs WasmKit on the held-out programs: {f'{hg:.3f}x' if hg else 'n/a'}**", ""]
    if simd_results:
        lines += simd_section(simd_results, runtimes, args)
    errors = [(n, rt.name, res[rt.name]) for n, res in results.items() for rt in runtimes
              if "got" in res[rt.name]]
    errors += [(f"{n} ({build} build)", rt.name, res[simd_key(rt.name, build)]) for n, res in simd_results.items()
               for rt in runtimes for build, _ in SIMD_BUILDS if "got" in res[simd_key(rt.name, build)]]
    if errors:
        lines += ["## Output mismatches", ""]
        for n, rt, r in errors:
            lines += [f"- {n} on {rt}: got", "", "```", r["got"].rstrip(), "```", ""]
    other = "wall" if args.metric == "cpu" else "cpu"
    lines += ["<details><summary>All run times (seconds)</summary>", "",
              f"| program | runtime | {args.metric} | {other} |", "|---|---|---|---|"]
    for name, res in results.items():
        for rt in runtimes:
            t = res[rt.name].get("times")
            if t:
                lines.append(f"| {name} | {rt.name} | {' '.join(f'{x:.3f}' for x in t)} | "
                             f"{' '.join(f'{x:.3f}' for x in res[rt.name]['other'])} |")
    for name, res in simd_results.items():
        for rt in runtimes:
            for build, suffix in SIMD_BUILDS:
                r = res[simd_key(rt.name, build)]
                if r.get("times"):
                    lines.append(f"| {name}{suffix} | {rt.name} | {' '.join(f'{x:.3f}' for x in r['times'])} | "
                                 f"{' '.join(f'{x:.3f}' for x in r['other'])} |")
    lines += ["", "</details>", ""]
    if "compile" in extra:
        lines += compile_section(extra["compile"], args)
    if "code_size" in extra:
        lines += code_size_section(extra["code_size"])
    if "micro" in extra:
        lines += micro_section(extra["micro"], args)
    with open(path, "w") as f:
        f.write("\n".join(lines))


def md_cell(text):
    return str(text).replace("|", "\\|")


def compile_section(part, args):
    wasm, rows = part
    lines = ["## Compile time and peak memory (large module)", "",
             f"`{os.path.relpath(wasm, ROOT)}`: {os.path.getsize(wasm) / 1e6:.2f} MB, generated by "
             "`Benchmarks/compile/genbig.py` (4000 functions; main does almost nothing). "
             f"Median of {args.runs} run(s): seconds ({args.metric}) of the whole process unless noted, and the "
             "process's peak resident set size in MiB (GNU time's `%M`: the command's own maximum RSS).", "",
             "| runtime | what | command | s | peak RSS MiB |", "|---|---|---|---:|---:|"]
    for rt, what, cmd, val in rows:
        if isinstance(val, dict):
            secs = f"{val['secs']:.3f}"
            if val.get("rss_mb") is not None:
                rss = f"{val['rss_mb']:.1f}"
            elif rt == "wasmtime" or "--stats" in cmd:
                rss = "n/a (in-process)"
            else:
                rss = f"not measured (no GNU time at {GNU_TIME})"
        else:
            secs, rss = md_cell(val), "not measured"
        lines.append(f"| {rt} | {what} | `{cmd}` | {secs} | {rss} |")
    s_c = next((v for rt, _, cmd, v in rows if rt == "Swasm" and cmd.startswith("swasm compile ")
                and "--stats" not in cmd), None)
    w_e = next((v for rt, _, cmd, v in rows if rt == "WasmKit" and "eager" in cmd), None)
    if isinstance(s_c, dict) and isinstance(w_e, dict):
        mem = (f"{w_e['rss_mb'] / s_c['rss_mb']:.2f}x the peak memory" if w_e["rss_mb"] and s_c["rss_mb"]
               else "peak memory not measured")
        lines += ["", f"Swasm compile vs WasmKit eager: {w_e['secs'] / s_c['secs']:.2f}x the time "
                  f"(WasmKit / Swasm), {mem}. WasmKit's command also "
                  "instantiates the module with WASI and runs its trivial main; its library has no "
                  "compile-without-instantiating entry point, so that is the closest equivalent."]
    else:
        lines += ["", "Swasm compile vs WasmKit eager: not compared (one of the two did not run; see the table)."]
    return lines + [""]


def code_size_section(rows):
    lines = ["## Translated code size", "",
             "Size of Swasm's translated code (`CompiledModule.codeByteCount`: the instruction words of every "
             "function plus each function's frame template (zeros for its locals and its constant operands) and the word before its code that describes the template) against the "
             "size of the module's code "
             "section, from `swasm compile --stats`. "
             f"Issue 5 requires at most {CODE_SIZE_LIMIT:g}x. WasmKit 0.4.2's public API does not expose the size of "
             "its translated code (only an SPI-gated text disassembly, `Instance.dumpFunctions`), so it has no column here.", "",
             "| module | code section bytes | translated bytes | ratio | within " + f"{CODE_SIZE_LIMIT:g}x |",
             "|---|---:|---:|---:|---|"]
    ratios = []
    for row in rows:
        if len(row) == 3:
            name, section, translated = row
            r = translated / section if section else None
            if r:
                ratios.append(r)
            lines.append(f"| {name} | {section} | {translated} | {f'{r:.2f}x' if r else '-'} | "
                         f"{('yes' if r <= CODE_SIZE_LIMIT else '**no**') if r else '-'} |")
        else:
            lines.append(f"| {row[0]} | - | - | - | not measured: {md_cell(row[1])} |")
    if ratios:
        lines += ["", f"Largest ratio: {max(ratios):.2f}x; geometric mean {geomean(ratios):.2f}x."]
    return lines + [""]


def fmt_ns(ns):
    return f"{ns:.0f}" if ns >= 100 else f"{ns:.1f}"


def micro_section(micro, args):
    lines = ["## Embedding API micro benchmarks", "",
             "`swasm-micro` (Benchmarks/Micro, the public `Swasm` API) and `wasmkit-micro` "
             "(Benchmarks/WasmKitRunner/Micro, WasmKit 0.4.2's public API) on the same module; nanoseconds per "
             f"operation, wall clock inside the process, best of 3 rounds of {args.micro_calls} calls or "
             f"{args.micro_instances} instantiations. WasmKit / Swasm above 1.0: Swasm is faster.", ""]
    for rt in ("Swasm", "WasmKit"):
        if micro[rt]["status"] != "ok":
            lines.append(f"- {rt}: {md_cell(micro[rt]['status'])}" +
                         (" (rows it printed before failing are shown)" if micro[rt]["rows"] else "") + "\n")
    lines += ["| operation | Swasm ns/op | WasmKit ns/op | WasmKit / Swasm |", "|---|---:|---:|---:|"]
    sw, wk = micro["Swasm"]["rows"], micro["WasmKit"]["rows"]
    for key, what in MICRO_ROWS:
        a, b = sw.get(key), wk.get(key)
        ratio = f"{b[0] / a[0]:.2f}x" if a and b and a[0] > 0 else "-"
        lines.append(f"| `{key}`: {what} | {fmt_ns(a[0]) if a else 'not measured'} | "
                     f"{fmt_ns(b[0]) if b else 'not measured'} | {ratio} |")
    lines += [""]
    for label, keys in MICRO_CHEAPEST:
        best = {}
        for rt, rows in (("Swasm", sw), ("WasmKit", wk)):
            got = [(rows[k][0], k) for k in keys if k in rows]
            best[rt] = min(got) if got else None
        if best["Swasm"] and best["WasmKit"]:
            (a, ka), (b, kb) = best["Swasm"], best["WasmKit"]
            lines.append(f"- Cheapest {label}: Swasm {fmt_ns(a)} ns (`{ka}`), WasmKit {fmt_ns(b)} ns (`{kb}`): "
                         f"WasmKit / Swasm = {b / a:.2f}x.")
        else:
            lines.append(f"- Cheapest {label}: not compared (a runtime did not measure it).")
    lines += ["", "What each program called:", ""]
    for rt, rows in (("Swasm", sw), ("WasmKit", wk)):
        for key, _ in MICRO_ROWS:
            if key in rows:
                lines.append(f"- {rt} `{key}`: {md_cell(rows[key][2])}")
    return lines + [""]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_svg(path, results):
    results = split_held_out(results)[0]
    sp = speedups(results)
    names = list(results)
    g = geomean(sp.values())
    bars = [(n, sp[n]) for n in names] + [("geomean", g)]
    W, H = 900, 420
    left, right, top, bottom = 60, 20, 50, 90
    pw, ph = W - left - right, H - top - bottom
    ymax = max([2.0] + [v * 1.1 for _, v in bars if v])
    ymax = math.ceil(ymax * 2) / 2

    def y(v):
        return top + ph - v / ymax * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">'
           'Swasm speedup vs WasmKit 0.4.2 (WasmKit time / Swasm time)</text>']
    # y grid and labels
    step = 0.5 if ymax <= 4 else 1.0
    v = 0.0
    while v <= ymax + 1e-9:
        out.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{W - right}" y2="{y(v):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.1f}x</text>')
        v += step
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#333"/>')
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{W - right}" y2="{top + ph}" stroke="#333"/>')
    slot = pw / max(1, len(bars))
    bw = slot * 0.6
    for i, (name, val) in enumerate(bars):
        cx = left + slot * (i + 0.5)
        if val:
            color = "#2e7d32" if val >= 1.5 else "#1976d2" if val >= 1.0 else "#d32f2f"
            if name == "geomean":
                color = "#555"
            digits = 3 if name == "geomean" else 2  # a mean of 1.4992 must not read as 1.50
            out.append(f'<rect x="{cx - bw / 2:.1f}" y="{y(val):.1f}" width="{bw:.1f}" '
                       f'height="{top + ph - y(val):.1f}" fill="{color}"><title>{esc(name)}: {val:.{digits}f}x</title></rect>')
            out.append(f'<text x="{cx:.1f}" y="{y(val) - 4:.1f}" text-anchor="middle">{val:.{digits}f}</text>')
        else:
            out.append(f'<text x="{cx:.1f}" y="{top + ph - 6:.1f}" text-anchor="middle" fill="#999">n/a</text>')
        weight = ' font-weight="bold"' if name == "geomean" else ""
        out.append(f'<text x="{cx:.1f}" y="{top + ph + 14:.1f}" text-anchor="end" '
                   f'transform="rotate(-35 {cx:.1f} {top + ph + 14:.1f})"{weight}>{esc(name)}</text>')
    for level, color, label in ((1.0, "#333", "1.0x (WasmKit)"), (1.5, "#2e7d32", "1.5x (target)")):
        if level <= ymax:
            out.append(f'<line x1="{left}" y1="{y(level):.1f}" x2="{W - right}" y2="{y(level):.1f}" '
                       f'stroke="{color}" stroke-width="1.5" stroke-dasharray="6 4"/>')
            out.append(f'<text x="{W - right - 4}" y="{y(level) - 4:.1f}" text-anchor="end" fill="{color}">'
                       f'{label}</text>')
    if not any(v for _, v in bars):
        out.append(f'<text x="{W / 2}" y="{top + ph / 2}" text-anchor="middle" font-size="14" fill="#999">'
                   'no Swasm results yet (Swasm missing or failed on every program)</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# ---------------------------------------------------------------------------------------------------------

def update_expected(names, simd_names, timeout):
    """expected/NAME.txt from wasmtime's run of wasm/NAME.wasm; for a SIMD program, from its scalar build, and its
    SIMD build (wasm/NAME.simd.wasm) must print exactly the same (else this stops before writing it)."""
    os.makedirs(EXPECTED_DIR, exist_ok=True)
    rt = Runtime("wasmtime", lambda w: [sys.executable, os.path.abspath(__file__), "--wasmtime-child", w])
    for name in names + simd_names:
        secs, out, code, err = rt.run(os.path.join(WASM_DIR, name + ".wasm"), timeout)
        if code != 0:
            sys.exit(f"{name}: wasmtime {describe_failure(code, err)}")
        note = ""
        if name in simd_names:
            secs2, out2, code2, err2 = rt.run(os.path.join(WASM_DIR, name + SIMD_SUFFIX + ".wasm"), timeout)
            if code2 != 0:
                sys.exit(f"{name}{SIMD_SUFFIX}: wasmtime {describe_failure(code2, err2)}")
            if out2 != out:
                sys.exit(f"{name}: the SIMD build prints something else than the scalar build; not written\n"
                         f"scalar:\n{out.decode('utf-8', 'replace')}SIMD:\n{out2.decode('utf-8', 'replace')}")
            note = f"; the SIMD build prints the same ({secs2['cpu']:.3f} s)"
        with open(os.path.join(EXPECTED_DIR, name + ".txt"), "wb") as f:
            f.write(out)
        log(f"{name}: expected/{name}.txt written ({secs['cpu']:.3f} s CPU on wasmtime{note})")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--wasmtime-child":
        return wasmtime_child(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per runtime and program (default 5)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only this program (repeatable, or comma separated)")
    ap.add_argument("--no-build", action="store_true", help="do not build Swasm or the WasmKit runner; use what is built")
    ap.add_argument("--swasm", metavar="PATH", help="use this swasm binary (implies not building Swasm)")
    ap.add_argument("--swasm-scratch", metavar="DIR",
                    help="build Swasm with --scratch-path DIR (e.g. Benchmarks/.build-swasm, so a release build does not hold "
                         "the lock on .build while others build there) and use DIR/release/swasm")
    ap.add_argument("--rebuild-wasmkit", action="store_true",
                    help="build the WasmKit runner even if its binary exists (it is otherwise built only once)")
    ap.add_argument("--wasmkit", metavar="PATH", help="use this wasmkit-cli binary (implies not building it)")
    ap.add_argument("--compile", action="store_true",
                    help="also measure decode/validate/translate time of a large generated module")
    ap.add_argument("--code-size", action="store_true",
                    help="also report translated code size against the code section size (`swasm compile --stats`) "
                         "for each program (and the large module with --compile)")
    ap.add_argument("--micro", action="store_true",
                    help="also run the embedding-API micro benchmarks (instantiation, Swift -> wasm call, wasm -> Swift "
                         "host call) on Swasm (swasm-micro) and WasmKit (wasmkit-micro)")
    ap.add_argument("--micro-calls", type=int, default=1_000_000, metavar="N",
                    help="calls per round in the micro benchmarks (default 1000000)")
    ap.add_argument("--micro-instances", type=int, default=10_000, metavar="N",
                    help="instantiations per round in the micro benchmarks (default 10000)")
    ap.add_argument("--swasm-micro", metavar="PATH", help="use this swasm-micro binary (implies not building it)")
    ap.add_argument("--wasmkit-micro", metavar="PATH", help="use this wasmkit-micro binary (implies not building it)")
    ap.add_argument("--metric", choices=["cpu", "wall"], default="cpu",
                    help="cpu: user+system CPU time (default; robust on a shared machine); wall: wall-clock time")
    ap.add_argument("--timeout", type=float, default=300, help="seconds before a single run is abandoned")
    ap.add_argument("--no-simd", dest="simd", action="store_const", const="no", default="yes",
                    help="skip the SIMD programs (simd_*: the table of scalar vs -msimd128 builds)")
    ap.add_argument("--simd-only", dest="simd", action="store_const", const="only",
                    help="run only the SIMD programs' table")
    ap.add_argument("--update-expected", action="store_true",
                    help="regenerate Benchmarks/expected/*.txt from wasmtime and exit")
    ap.add_argument("--out-dir", default=DOCS_DIR, help="where performance.md and .svg go (default docs/)")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.micro_calls < 1 or args.micro_instances < 1:
        ap.error("--micro-calls and --micro-instances must be at least 1")
    global SWASM_BIN, WASMKIT_BIN, SWASM_MICRO_BIN, WASMKIT_MICRO_BIN
    if args.swasm:
        SWASM_BIN = os.path.abspath(args.swasm)
    elif args.swasm_scratch:
        SWASM_BIN = os.path.join(os.path.abspath(args.swasm_scratch), "release", "swasm")
    SWASM_MICRO_BIN = (os.path.abspath(args.swasm_micro) if args.swasm_micro
                       else os.path.join(os.path.dirname(SWASM_BIN), "swasm-micro"))
    if args.wasmkit:
        WASMKIT_BIN = os.path.abspath(args.wasmkit)
    if args.wasmkit_micro:
        WASMKIT_MICRO_BIN = os.path.abspath(args.wasmkit_micro)
    names, simd_names = program_names(args.only, args.simd)
    if args.update_expected:
        return update_expected(names, simd_names, args.timeout)

    runtimes = make_runtimes(args)
    if args.micro:
        prepare_micro(args)
    load_before = os.getloadavg()[0]
    results = bench(names, runtimes, args.runs, args.timeout, args.metric)
    simd_results = bench_simd(simd_names, runtimes, args.runs, args.timeout, args.metric)
    extra = {}
    if args.compile:
        extra["compile"] = compile_measurements(runtimes, args.runs, args.timeout, args.metric)
    if args.code_size:
        extra["code_size"] = code_size_measurements(names, args.timeout, args.compile)
    if args.micro:
        extra["micro"] = micro_measurements(args)
    load_after = os.getloadavg()[0]

    os.makedirs(args.out_dir, exist_ok=True)
    md, svg = os.path.join(args.out_dir, "performance.md"), os.path.join(args.out_dir, "performance.svg")
    write_markdown(md, results, runtimes, args, load_before, load_after, extra, simd_results)
    if split_held_out(results)[0]:
        write_svg(svg, results)
        log(f"wrote {os.path.relpath(md, ROOT)} and {os.path.relpath(svg, ROOT)}")
    else:
        log(f"wrote {os.path.relpath(md, ROOT)} (no main-table programs: {os.path.relpath(svg, ROOT)} left as it was)")
    sys.stdout.write(open(md).read())


if __name__ == "__main__":
    main()
