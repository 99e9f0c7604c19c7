#!/usr/bin/env python3
"""SIGKILL a command mid-run; exit 0 only when none of its descendants is alive 1 s later.

usage: orphans.py PATTERN N -- CMD...

As a child subreaper, every orphan of CMD's tree is reparented here, so "no
process of ours" is exact: no process whose parent is this one. CMD is killed
once N descendants whose command line holds PATTERN exist (a suite binary and
the case it forked, say; polled, bounded: it waits for something to start, not
for time to pass). Leftovers are named
on stdout and killed.
"""
import ctypes, os, signal, sys, time

PR_SET_CHILD_SUBREAPER = 36


def children(me):
    out = []
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            with open(f'/proc/{p}/stat') as f:
                st = f.read()
            ppid = int(st[st.rindex(')') + 2:].split()[1])
            if ppid == me:
                with open(f'/proc/{p}/cmdline', 'rb') as f:
                    out.append((int(p), f.read().replace(b'\0', b' ').decode(errors='replace').strip()))
        except (OSError, ValueError):
            pass
    return out


def descendants(me):
    todo, seen = [me], []
    while todo:
        for pid, cmd in children(todo.pop()):
            seen.append((pid, cmd))
            todo.append(pid)
    return seen


def main():
    pattern, want, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[sys.argv.index('--') + 1:]
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0):
        print('# prctl(PR_SET_CHILD_SUBREAPER) failed')
        return 2
    me = os.getpid()
    null = os.open(os.devnull, os.O_RDWR)
    pid = os.fork()
    if pid == 0:
        os.dup2(null, 0), os.dup2(null, 1), os.dup2(null, 2)
        os.execvp(cmd[0], cmd)
    deadline = time.monotonic() + 120
    while sum(pattern in c for p, c in descendants(pid)) < want:
        if time.monotonic() > deadline or os.waitpid(pid, os.WNOHANG)[0]:
            print(f'# nothing matching {pattern!r} started')
            return 2
        time.sleep(0.02)
    started = len(descendants(pid))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    deadline = time.monotonic() + 1.0
    left = children(me)
    while left and time.monotonic() < deadline:
        try:  # reap what died, see what is still there
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        time.sleep(0.02)
        left = [(p, c) for p, c in children(me) if not open(f'/proc/{p}/stat').read().split(') ')[1].startswith('Z')]
    print(f'# {started} descendant(s) when killed, {len(left)} alive 1 s later')
    for p, c in left:
        print(f'# left: {p} {c}')
        os.kill(p, signal.SIGKILL)
    return 1 if left else 0


sys.exit(main())
