/*
 * Sandbox profiles as text (fixtures/profiles/NAME.profile): one "key = value"
 * per line, '#' starts a comment, blank lines are ignored. Keys:
 *
 *   name          = strict-agent            letters, digits, . _ -
 *   userns        = on | off                a user namespace, root = caller
 *   ns            = pid,net,ipc,uts,mnt,cgroup,time | none
 *   root          = host | tmpfs            tmpfs: pivot_root into a tmpfs
 *   bind          = SRC [DST]               read-only bind (repeatable)
 *   bind.rw       = SRC [DST]               writable bind (repeatable)
 *   bind.try      = SRC [DST]               read-only, skipped if SRC is missing
 *   proc          = on | ro | off           a fresh /proc (ro: read-only)
 *   proc.hidepid  = 0 | 1 | 2 | off | noaccess | invisible
 *   hostname      = NAME
 *   session       = new | inherit           new: setsid(), no controlling tty
 *   caps          = none | all | chown,net_raw,...   kept in all five sets
 *   nnp           = on | off
 *   landlock      = off | required | best-effort
 *   landlock.handle = all | read_file,write_file,...  fs rights handled
 *   landlock.scope  = abstract_unix_socket,signal
 *   landlock.allow  = PATH RIGHTS            (repeatable)
 *   apparmor      = off | PROFILE           a loaded AppArmor profile, entered
 *                                           with change_onexec before the exec
 *   apparmor.required = on | off            off: skipped where AppArmor is not
 *                                           active (default on: fail closed)
 *   seccomp       = none | deny-escapes | allow-minimal | allow-stdio
 *   seccomp.deny  = keyctl add_key ...       a deny-list (repeatable)
 *   seccomp.errno = EPERM | 1..4095          the deny-list's errno (else KILL)
 *
 * Each key but the repeatable ones may appear once. Unknown keys are errors.
 */
#ifndef BR_PROFILE_H
#define BR_PROFILE_H

#include <stddef.h>
#include <stdio.h>

#include "sandbox.h"

/* Parse text into *sb (initialised first). name is used in messages.
 * 0, or -EINVAL with "NAME:LINE: what was expected" in err. */
int br_profile_parse(const char *text, const char *name, struct br_sandbox *sb, char *err,
		     size_t errsize);

/* Read path and parse it. As above, or -errno with "PATH: reason" in err
 * when the file cannot be read. */
int br_profile_load(const char *path, struct br_sandbox *sb, char *err, size_t errsize);

/* The shipped profiles: $BR_FIXTURES/profiles, else fixtures/profiles of
 * the source tree the running binary was built in (BUILD/suites/S/F ->
 * fixtures/profiles). NULL if neither is readable. Static storage. */
const char *br_profile_dir(void);

/* Write sb as profile text that parses back to the same struct. */
void br_profile_print(FILE *f, const struct br_sandbox *sb);

#endif
