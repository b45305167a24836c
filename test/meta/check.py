#!/usr/bin/env python3
"""Check that a foodorder tree's version numbers agree (used by test/meta/run).

    test/meta/check.py ROOT

Reads ROOT/META.json (PGXN meta spec 1.0.0), ROOT/foodorder.control,
ROOT/extension/sharding/*.control and ROOT/debian/changelog, prints one line
per check, "ok: ..." or "MISMATCH: ...", and exits 1 if any line is a
mismatch.  A control file's default_version '1.2' is the SemVer 1.2.0.
"""
import glob
import json
import os
import re
import sys

root = sys.argv[1]
bad = 0


def report(ok, what):
    global bad
    print(("ok: " if ok else "MISMATCH: ") + what)
    bad += not ok


def semver(v):
    """'1.2' -> '1.2.0' (PGXN versions are SemVer, control files are not)."""
    parts = v.split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise SystemExit(f"MISMATCH: default_version {v!r} is not N[.N[.N]]")
    return ".".join((parts + ["0", "0"])[:3])


def default_version(path):
    with open(path) as f:
        m = re.search(r"^\s*default_version\s*=\s*'([^']*)'", f.read(), re.M)
    if not m:
        raise SystemExit(f"MISMATCH: no default_version in {path}")
    return semver(m.group(1))


try:
    with open(os.path.join(root, "META.json")) as f:
        meta = json.load(f)
except (OSError, ValueError) as e:
    print(f"MISMATCH: META.json is not valid JSON: {e}")
    sys.exit(1)
report(True, "META.json is valid JSON")

# the keys meta spec 1.0.0 requires, and their basic shape
required = ["name", "abstract", "version", "maintainer", "license",
            "provides", "meta-spec"]
missing = [k for k in required if k not in meta]
report(not missing, f"META.json has the required keys {', '.join(required)}"
       + (f" (missing: {', '.join(missing)})" if missing else ""))
spec = meta.get("meta-spec", {}).get("version")
report(spec == "1.0.0", f"meta-spec version: {spec}")
semver_re = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+)?$")

# each control file is one extension META.json provides, at its version
controls = {os.path.basename(p)[:-len(".control")]: p
            for p in [os.path.join(root, "foodorder.control")]
            + sorted(glob.glob(os.path.join(root, "extension/sharding/*.control")))}
provides = meta.get("provides", {})
report(sorted(provides) == sorted(controls),
       f"provides {sorted(provides)}, control files {sorted(controls)}")
main = default_version(controls["foodorder"])
v = meta.get("version")
report(v == main and bool(semver_re.match(str(v))),
       f"META.json version {v}, foodorder.control {main}")
for name, path in controls.items():
    want = default_version(path)
    got = provides.get(name, {}).get("version")
    report(got == want,
           f"provides.{name}.version {got}, {os.path.relpath(path, root)} {want}")
    f = provides.get(name, {}).get("file")
    report(bool(f) and os.path.isfile(os.path.join(root, f)),
           f"provides.{name}.file {f} exists")

# debian/changelog: "foodorder (1.2.0-1) ...", upstream version 1.2.0
with open(os.path.join(root, "debian/changelog")) as f:
    m = re.match(r"^(\S+) \(([^)]+)\)", f.readline())
deb = m.group(2) if m else None
upstream = re.sub(r"^\d+:", "", deb).rsplit("-", 1)[0] if deb else None
report(upstream == main,
       f"debian/changelog {deb}: upstream {upstream}, foodorder.control {main}")

sys.exit(1 if bad else 0)
