"""Parse our KTAP and junit.xml with other people's parsers and compare counts.

usage: consumers.py KUNIT_DIR ktap FILE...    (kunit_parser, tappy, prove)
       consumers.py KUNIT_DIR nested FILE...  (the same, over `blastradius run`)
       consumers.py KUNIT_DIR junit junit.xml matrix.json  (junitparser)
Prints one line per file and consumer: "ok ..." or "MISMATCH ...". Our counts
come from the stream's own top-level "# Totals:" line; TAP has no nesting, so
for `run` output tappy and prove must see the binaries' own result lines. Run with Debian's
/usr/bin/python3 (python3-tap, python3-junitparser); KUNIT_DIR holds
kunit_parser.py and kunit_printer.py from Debian's linux-source.
"""
import contextlib
import inspect
import io
import os
import re
import subprocess
import sys
import unittest

PERL = r'''
use TAP::Parser;
local $/; my $t = <STDIN>;
my $p = TAP::Parser->new({tap => $t});
1 while $p->next;
printf "%d %d %d %d\n", scalar($p->passed), scalar($p->failed), scalar($p->skipped),
	scalar($p->parse_errors);
'''


def ours(text):
    m = re.findall(r'^# Totals: pass:(\d+) fail:(\d+) xfail:(\d+) xpass:(\d+) skip:(\d+) error:(\d+)$',
                   text, re.M)
    if not m:
        return None
    p, f, xf, xp, s, e = map(int, m[-1])
    return {'pass': p + xf, 'fail': f + e + xp, 'skip': s}


def top_level(text):
    c = {'pass': 0, 'fail': 0, 'skip': 0}
    for line in text.splitlines():
        if line.startswith('not ok '):
            c['fail'] += 1
        elif line.startswith('ok '):
            c['skip' if ' # SKIP' in line else 'pass'] += 1
    return c


def kunit(text, kdir):
    sys.path.insert(0, kdir)
    with contextlib.redirect_stdout(io.StringIO()):  # its printer binds stdout at import
        import kunit_parser
        import kunit_printer
        args = [text.splitlines()]
        if len(inspect.signature(kunit_parser.parse_run_tests).parameters) > 1:
            args.append(kunit_printer.null_printer)  # newer kernels pass a printer
        t = kunit_parser.parse_run_tests(*args)
    c = t.counts
    return ({'pass': c.passed, 'fail': c.failed, 'skip': c.skipped},
            f'crashed={c.crashed} errors={c.errors}' if c.crashed or c.errors else '')


def tappy(path):
    with contextlib.redirect_stderr(io.StringIO()):  # a warning that PyYAML is absent
        from tap.loader import Loader
        suite = Loader().load([path])
    with open(os.devnull, 'w') as null, contextlib.redirect_stderr(null):
        r = unittest.TextTestRunner(stream=null, verbosity=0).run(suite)
    # Rule violations (a misplaced plan, a missing version) are failing cases too.
    skipped = len(r.skipped)
    failed = len(r.failures) + len(r.errors)
    return {'pass': r.testsRun - failed - skipped, 'fail': failed, 'skip': skipped}, ''


def prove(text):
    out = subprocess.run(['perl', '-e', PERL], input=text, capture_output=True, text=True, check=True)
    passed, failed, skipped, errors = map(int, out.stdout.split())
    # TAP::Parser counts a skip as passed.
    return {'pass': passed - skipped, 'fail': failed, 'skip': skipped}, f'parse_errors={errors}' if errors else ''


def junit(path):
    from junitparser import JUnitXml, Skipped, Failure, Error
    res = {}
    for s in JUnitXml.fromfile(path):
        c = res.setdefault(s.name, {'pass': 0, 'fail': 0, 'skip': 0, 'tests': s.tests})
        for case in s:
            kinds = {type(r) for r in case.result}
            if kinds & {Failure, Error}:
                c['fail'] += 1
            elif Skipped in kinds:
                c['skip'] += 1
            else:
                c['pass'] += 1
    return res


def main():
    kdir, mode, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = 0
    if mode == 'junit':
        import json
        want = json.load(open(files[1]))
        for cell in want['cells']:
            t = cell['totals']
            exp = {'pass': t['pass'] + t['xfail'], 'fail': t['fail'] + t['error'], 'skip': t['skip']}
            # A cell's boundary verdicts and its "<cell> lib.*" self-tests, added up.
            parts = [v for k, v in junit(files[0]).items() if k in (cell['name'], cell['name'] + ' lib.*')]
            got = parts and {k: sum(p[k] for p in parts) for k in exp}
            bad += got != exp
            print(f"{'ok' if got == exp else 'MISMATCH'} junitparser {cell['name']}: {got} (ours {exp})")
        return 1 if bad else 0
    for path in files:
        text = open(path, errors='replace').read()
        exp = ours(text)
        tap_exp = top_level(text) if mode == 'nested' else exp
        for name, fn, want in (('kunit_parser', lambda: kunit(text, kdir), exp),
                               ('tappy', lambda: tappy(path), tap_exp), ('prove', lambda: prove(text), tap_exp)):
            try:
                got, note = fn()
            except Exception as e:  # a parser that crashes on our output is a mismatch
                got, note = None, f'{type(e).__name__}: {e}'
            good = want is not None and got == want and not note
            bad += not good
            print(f"{'ok' if good else 'MISMATCH'} {name} {path}: {got} (ours {want}) {note}".rstrip())
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
