#!/usr/bin/env python3
"""Differential test of the WASI programs (not run in CI): runs each manifest.json entry on swasm and on
wasmtime (PyPI, through wasmtime-run.py) and compares stdout and exit codes.

  differential.py SWASM [--wasmtime-run PATH] [--write-expected]

SWASM is a built swasm executable (e.g. .build/debug/swasm). --write-expected stores swasm's stdout as
expected/NAME.stdout (for entries without "stdoutBytes"), after which `swift test` checks against it.
"""
import argparse, json, os, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("swasm")
p.add_argument("--wasmtime-run", default="/work/shared/tools/wasmtime-run.py")
p.add_argument("--write-expected", action="store_true")
a = p.parse_args()

def run(cmd_prefix, entry, use_wasmtime):
    with tempfile.TemporaryDirectory() as root:
        os.mkdir(os.path.join(root, "sandbox"))
        with open(os.path.join(root, "secret.txt"), "w") as f:
            f.write("secret\n")
        program = os.path.join(here, entry.get("program", entry["name"]) + ".wasm")
        cmd = list(cmd_prefix)
        if entry.get("sandbox"):
            cmd += ["--dir", os.path.join(root, "sandbox") + "::/sandbox"]
        for k, v in entry.get("env", {}).items():
            cmd += ["--env", f"{k}={v}"]
        cmd += [program] + entry.get("args", [])
        r = subprocess.run(cmd, input=entry.get("stdin", "").encode(), capture_output=True, timeout=300)
        leaked = os.listdir(root)
        return r.returncode, r.stdout, r.stderr, sorted(leaked)

manifest = json.load(open(os.path.join(here, "manifest.json")))
failures = 0
for entry in manifest:
    name = entry["name"]
    s = run([a.swasm, "run"], entry, False)
    w = run([sys.executable, a.wasmtime_run], entry, True)
    problems = []
    if s[0] != entry["exit"]:
        problems.append(f"swasm exit {s[0]}, manifest says {entry['exit']}")
    if (s[0] == 0) != (w[0] == 0) or (s[0] != w[0] and s[0] != 134):
        problems.append(f"exit codes differ: swasm {s[0]}, wasmtime {w[0]}")
    if s[1] != w[1]:
        problems.append("stdout differs")
        sl, wl = s[1].decode(errors="replace").splitlines(), w[1].decode(errors="replace").splitlines()
        for i in range(max(len(sl), len(wl))):
            x = sl[i] if i < len(sl) else "<none>"
            y = wl[i] if i < len(wl) else "<none>"
            if x != y:
                problems.append(f"  line {i + 1}:\n    swasm:    {x}\n    wasmtime: {y}")
    if s[3] != ["sandbox", "secret.txt"]:
        problems.append(f"swasm left files outside the sandbox: {s[3]}")
    known = entry.get("knownDifference")
    print(f"{name}: {'ok' if not problems else 'known difference: ' + known if known else 'DIFFERENT'}")
    for line in problems:
        print("  " + line)
    failures += bool(problems) and not known
    if a.write_expected and "stdoutBytes" not in entry and "expected" not in entry:
        with open(os.path.join(here, "expected", name + ".stdout"), "wb") as f:
            f.write(s[1])
print(f"{len(manifest) - failures} of {len(manifest)} programs agree")
sys.exit(1 if failures else 0)
