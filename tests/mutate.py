#!/usr/bin/env python3
"""make mutate: does the test set catch realistic bugs?

Each tests/mutants/*.mut is one bug: a file, an exact snippet of it, its
replacement, a one-line description and the tests most likely to catch it.
The mutants are applied one at a time to a copy of the tree (BUILD_MUTATE,
default build-mutate/), never to the working tree, so Ctrl-C leaves nothing
mutated. For each: rebuild, run its own tests first and stop at the first
failure (killed), else the whole suite run and every tests/*.t (survived
only when all of them pass). A snippet that is not found exactly once is
`stale`, a mutant that does not build is `invalid`: both fail the set.

First the unmutated copy must pass everything (MUTATE_BASELINE=0 skips it).

Mutant file format:
    desc: what the bug is, in one line
    file: lib/caps.c
    tests: run:lib.caps.* t:tests/harness.t   (run: a -r glob, t: a .t file)
    --- original
    <exact lines of the file>
    +++ mutant
    <replacement lines>
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.abspath(os.environ.get("BUILD_MUTATE") or os.path.join(TOP, "build-mutate"))
TREE = os.path.join(WORK, "tree")
JOBS = os.environ.get("MUTATE_JOBS", "2")
T_TIMEOUT = 900


class BadMutant(Exception):
    pass


def parse(path):
    head, orig, repl, cur = {}, [], [], None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line == "--- original":
                cur = orig
            elif line == "+++ mutant":
                if cur is not orig:
                    raise BadMutant(f"{path}:{n}: '+++ mutant' before '--- original'")
                cur = repl
            elif cur is not None:
                cur.append(line)
            elif line.strip():
                m = re.match(r"(desc|file|tests):\s*(.*)$", line)
                if not m:
                    raise BadMutant(f"{path}:{n}: expected desc:, file:, tests: or --- original")
                head[m.group(1)] = m.group(2)
    for k in ("desc", "file", "tests"):
        if k not in head:
            raise BadMutant(f"{path}: no {k}: line")
    if not orig or cur is not repl:
        raise BadMutant(f"{path}: needs an '--- original' and a '+++ mutant' block")
    tests = head["tests"].split()
    for t in tests:
        if not re.match(r"(run|t):\S+$", t):
            raise BadMutant(f"{path}: test '{t}' is neither run:GLOB nor t:FILE")
    return {"name": os.path.basename(path)[:-4], "desc": head["desc"], "file": head["file"],
            "tests": tests, "orig": "\n".join(orig) + "\n", "repl": "\n".join(repl) + "\n"}


# The copy builds into its own build/: nothing from the calling make leaks in.
ENV = {k: v for k, v in os.environ.items() if k not in ("BUILD", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def sh(cmd, timeout=None):
    try:
        p = subprocess.run(cmd, cwd=TREE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=timeout, env=ENV)
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return "timeout", out


def copy_tree():
    """Refresh TREE from the working tree (tracked and untracked, not ignored)."""
    files = subprocess.run(["git", "-C", TOP, "ls-files", "-co", "--exclude-standard", "-z"],
                           stdout=subprocess.PIPE, check=True).stdout.decode().split("\0")
    keep = {f for f in files if f and os.path.isfile(os.path.join(TOP, f))}
    os.makedirs(TREE, exist_ok=True)
    for root, dirs, names in os.walk(TREE):
        rel = os.path.relpath(root, TREE)
        if rel == "build" or rel.startswith("build/") or rel.startswith("results"):
            dirs[:] = []
            continue
        for n in names:
            r = os.path.normpath(os.path.join(rel, n))
            if r not in keep:
                os.unlink(os.path.join(root, n))
    for f in keep:
        src, dst = os.path.join(TOP, f), os.path.join(TREE, f)
        if os.path.exists(dst) and open(src, "rb").read() == open(dst, "rb").read():
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        # A fresh mtime: make must rebuild what an earlier mutant left built.
        shutil.copyfile(src, dst)
        shutil.copymode(src, dst)


def targets_for(globs):
    """make targets for `blastradius run -r GLOB...`: the CLI and the suite
    binaries (build/suites/SUITE/FILE) whose cases the globs can match."""
    import fnmatch
    out = ["build/blastradius", "build/blastradius-probe"]
    for src in sorted(glob.glob(os.path.join(TREE, "suites", "*", "*.c"))):
        suite, file = src.split(os.sep)[-2], os.path.basename(src)[:-2]
        for g in globs:
            parts = g.split(".")
            if fnmatch.fnmatch(suite, parts[0]) and (len(parts) < 2 or fnmatch.fnmatch(file, parts[1])):
                out.append(f"build/suites/{suite}/{file}")
                break
    return out


def build():
    # INITRAMFS= : the suites and tests do not need the guest image rebuilt.
    return sh(["make", f"-j{JOBS}", "-s", "INITRAMFS=", "all"])


def failing_line(out):
    for line in out.splitlines():
        m = re.match(r"\s*# FAIL (\S+):", line) or re.match(r"\s*not ok \d+ (?:- )?(.*)", line)
        if m:
            return m.group(1).strip()[:100]
    return None


def known_failures():
    """Case ids of fixtures/known-failures: real kernel breaks make check tolerates."""
    try:
        with open(os.path.join(TREE, "fixtures", "known-failures")) as f:
            return {l.split()[0] for l in f if l.strip() and not l.lstrip().startswith("#")}
    except FileNotFoundError:
        return set()


def run_test(t):
    """None when the test passes, else what failed."""
    kind, arg = t.split(":", 1)
    if kind == "run":
        rc, out = sh(["build/blastradius", "run", "--no-results", "-r", arg], timeout=T_TIMEOUT)
        if rc == 2:
            raise BadMutant(f"run:{arg} selects nothing (exit 2)")
        # Case ids (suite.file.case); a binary's own line (suite.file) follows its cases.
        failed = [f for f in re.findall(r"^\s*not ok \d+ (\S+)", out, re.M) if f.count(".") >= 2]
        new = [f for f in failed if f not in known_failures()]
        if rc == 1 and failed and not new and "# ERROR" not in out:
            rc = 0  # only reviewed kernel breaks (fixtures/known-failures) failed
        elif new:
            return f"{t} ({new[0]})"
    else:
        if not os.path.exists(os.path.join(TREE, arg)):
            raise BadMutant(f"{arg} does not exist")
        rc, out = sh(["bash", arg], timeout=T_TIMEOUT)
        if rc == 0 and re.search(r"^not ok ", out, re.M):
            rc = 1
    if rc == 0:
        return None
    what = failing_line(out) or ("timeout" if rc == "timeout" else f"exit {rc}")
    return f"{t} ({what})"


def full_tests():
    yield "run:*"
    # The QEMU smoke test boots TCG guests with wall-clock limits: slow, and
    # under load a false kill. Only with MUTATE_MATRIX=1 (tests/report.t
    # covers report, diff and baselines without it).
    for t in sorted(glob.glob(os.path.join(TREE, "tests", "*.t"))):
        if not t.endswith("/matrix.t") or os.environ.get("MUTATE_MATRIX") == "1":
            yield "t:" + os.path.relpath(t, TREE)


def try_mutant(m, pristine):
    path = os.path.join(TREE, m["file"])
    text = pristine.get(m["file"])
    if text is None:
        return "stale", f"{m['file']} does not exist"
    n = text.count(m["orig"])
    if n != 1:
        return "stale", f"original snippet found {n} times in {m['file']}"
    with open(path, "w") as f:
        f.write(text.replace(m["orig"], m["repl"]))
    try:
        # The mutant's own run: tests first need only the CLI and their suite binaries.
        own = [t[4:] for t in m["tests"] if t.startswith("run:")]
        rc, out = sh(["make", f"-j{JOBS}", "-s", *targets_for(own)]) if own and own == [
            t[4:] for t in m["tests"][:len(own)]] else build()
        if rc != 0:
            return "invalid", "does not build: " + (out.strip().splitlines() or ["?"])[-1][:120]
        seen, full = set(), False
        for t in list(m["tests"]) + list(full_tests()):
            if t in seen:
                continue
            seen.add(t)
            if (t.startswith("t:") or t == "run:*") and not full:
                # .t files may use the guest image too: build everything.
                full = True
                rc, out = sh(["make", f"-j{JOBS}", "-s", "all"])
                if rc != 0:
                    return "invalid", "does not build: " + (out.strip().splitlines() or ["?"])[-1][:120]
            why = run_test(t)
            # A kill must repeat: host-state checks can trip on other runs' activity.
            if why and run_test(t):
                return "killed", why
        return "survived", "every suite case and tests/*.t passed"
    finally:
        with open(path, "w") as f:
            f.write(text)


def lock():
    """One make mutate per copy: a second one would build into the same tree."""
    import fcntl
    os.makedirs(WORK, exist_ok=True)
    f = open(os.path.join(WORK, "lock"), "w")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print(f"mutate: another make mutate is using {WORK}", file=sys.stderr)
        sys.exit(2)
    return f


def main():
    # SIGTERM unwinds like Ctrl-C, so the copy's mutated file is restored.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sel = sys.argv[1:] or ["*"]
    paths = sorted(p for s in sel for p in glob.glob(os.path.join(TOP, "tests", "mutants", s + ".mut")))
    if not paths:
        print("mutate: no mutant matches " + " ".join(sel), file=sys.stderr)
        return 2
    mutants, bad = [], []
    for p in paths:
        try:
            mutants.append(parse(p))
        except BadMutant as e:
            bad.append(str(e))
    if bad:
        print("\n".join("mutate: " + b for b in bad), file=sys.stderr)
        return 2
    t0 = time.time()
    held = lock()  # noqa: F841 (held until exit)
    copy_tree()
    pristine = {}
    for m in mutants:
        p = os.path.join(TREE, m["file"])
        if m["file"] not in pristine and os.path.isfile(p):
            pristine[m["file"]] = open(p).read()
    rc, out = build()
    if rc != 0:
        print("mutate: the unmutated copy does not build:\n" + out[-2000:], file=sys.stderr)
        return 2
    # Baseline: unmutated, every test must pass, or a kill means nothing.
    if os.environ.get("MUTATE_BASELINE", "1") != "0":
        t1 = time.time()
        rc, out = sh(["make", f"-j{JOBS}", "-s", "all"])
        # A test failing twice in a row, not once (concurrent activity on the host).
        bad = [why for why in (run_test(t) and run_test(t) for t in full_tests()) if why] \
            if rc == 0 else ["build"]
        if bad:
            print("mutate: the unmutated copy fails: " + "; ".join(bad), file=sys.stderr)
            return 2
        print(f"# baseline: every suite case and tests/*.t pass unmutated [{time.time() - t1:.0f} s]")
    print(f"# {len(mutants)} mutants, tree copy {TREE}")
    counts, results = {}, []
    try:
        for i, m in enumerate(mutants, 1):
            t1 = time.time()
            try:
                state, why = try_mutant(m, pristine)
            except BadMutant as e:
                state, why = "invalid", str(e)
            counts[state] = counts.get(state, 0) + 1
            results.append((m["name"], state))
            print(f"{state:8} {m['name']:34} {why}  [{time.time() - t1:.0f} s]", flush=True)
            print(f"         {m['desc']}", flush=True)
    except KeyboardInterrupt:
        print("# interrupted: the working tree was never touched", flush=True)
    finally:
        build()  # leave the copy built from the pristine sources
    total = len(results)
    killed = counts.get("killed", 0)
    print(f"# score: {killed}/{total} killed ({100 * killed // max(total, 1)} %), "
          + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
          + f"; {time.time() - t0:.0f} s")
    return 0 if killed == total == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
