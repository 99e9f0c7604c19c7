# blastradius: see README.md. `make` builds, `make check` tests, `make run` runs.
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

WARN    := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
           -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation -Wundef -Wvla
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -Ilib -MMD -MP
# One section per function and object, so suite binaries link only what they
# use (--gc-sections below): ~90 static binaries are held twice in a guest's
# 256 MiB (the initramfs and its unpacked copy), and ~7 MB less let them fit.
CFLAGS  += -ffunction-sections -fdata-sections
LDSTATIC := -static
LIBS    := -lseccomp -lcap

# Debian packages by name, each with a file that proves it is installed.
BUILD_DEPS := libseccomp-dev:/usr/include/seccomp.h libcap-dev:/usr/include/sys/capability.h \
              libjson-c-dev:/usr/include/json-c/json.h secilc:/usr/bin/secilc
# apparmor_parser compiles suites/mac's AppArmor policy (below).
BUILD_DEPS += apparmor:/sbin/apparmor_parser

# What `make check` needs beyond the build.
CHECK_DEPS := perl:/usr/bin/prove pkg-config:/usr/bin/pkg-config iproute2:/usr/sbin/ip \
              util-linux:/usr/bin/setpriv procps:/usr/bin/pgrep python3:python3
# Other parsers of our KTAP and junit.xml (tests/ktap.t): kunit_parser comes from
# the kernel source tarball, tappy with its TAP 13 (YAML) support, junitparser.
CHECK_DEPS += linux-source:/usr/share/doc/linux-source python3-tap:/usr/lib/python3/dist-packages/tap/parser.py \
              python3-yaml:/usr/lib/python3/dist-packages/yaml/__init__.py \
              python3-more-itertools:/usr/lib/python3/dist-packages/more_itertools/__init__.py \
              python3-junitparser:/usr/lib/python3/dist-packages/junitparser/__init__.py

LIB_SRCS    := $(wildcard lib/*.c)
LIB_OBJS    := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB         := $(BUILD)/libblastradius.a
# runners/*.c only: runners/guest/ holds the guest's PID 1, never linked into the CLI.
CLI_SRCS    := $(wildcard runners/*.c)
CLI_OBJS    := $(CLI_SRCS:%.c=$(BUILD)/%.o)
CLI         := $(BUILD)/blastradius
# The probe assess runs inside sandboxes: static, no json-c, no runtime files.
PROBE_SRCS  := $(wildcard runners/probe/*.c)
PROBE_OBJS  := $(PROBE_SRCS:%.c=$(BUILD)/%.o)
PROBE       := $(BUILD)/blastradius-probe
SUITE_SRCS  := $(wildcard suites/*/*.c)
FIXTURES    := $(wildcard fixtures/seccomp/*.bpf fixtures/profiles/*.profile)
SUITE_BINS  := $(SUITE_SRCS:%.c=$(BUILD)/%)
TEST_SRCS   := $(wildcard tests/*.c)
TEST_BINS   := $(TEST_SRCS:%.c=$(BUILD)/%)
GUEST_INIT  := $(BUILD)/guest/init
INITRAMFS   := $(BUILD)/initramfs.cpio
DEPS_STAMP  := $(BUILD)/.deps

MAN         := $(BUILD)/blastradius.1

all: $(LIB) $(CLI) $(PROBE) $(SUITE_BINS) $(TEST_BINS) $(INITRAMFS) $(MAN)

# The man page is made from the CLI's --help texts (tests/cli.t checks it).
$(MAN): $(CLI) runners/manpage.sh
	sh runners/manpage.sh $(CLI) > $@.tmp && mv $@.tmp $@

$(DEPS_STAMP): runners/deps.sh Makefile
	@sh runners/deps.sh $(BUILD_DEPS)
	@mkdir -p $(@D) && touch $@

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DBR_VERSION='"$(VERSION)"' -DBR_COMMIT='"$(COMMIT)"' -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(PROBE): $(PROBE_OBJS) $(LIB)
	$(CC) $(LDSTATIC) -o $@ $(PROBE_OBJS) $(LIB) $(LIBS)

$(CLI): $(CLI_OBJS) $(LIB)
	$(CC) $(LDSTATIC) -o $@ $(CLI_OBJS) $(LIB) -ljson-c $(LIBS)

# One object per suite source (build/obj/suites/<suite>/<file>.o), linked into
# the host's static binary build/suites/<suite>/<file> and into the guest's
# multi-call binary (below). Suites embed fixtures (.incbin), which -MMD cannot see.
SUITE_OBJS  := $(SUITE_SRCS:%.c=$(BUILD)/obj/%.o)
$(BUILD)/obj/suites/%.o: suites/%.c $(FIXTURES) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DBR_SUITE='"$(word 2,$(subst /, ,$<))"' -DBR_BUILD_DIR='"$(BUILD)"' \
		-DBR_FILE='"$(basename $(notdir $<))"' -c -o $@ $<
$(BUILD)/suites/%: $(BUILD)/obj/suites/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDSTATIC) -Wl,--gc-sections -o $@ $< $(LIB) $(LIBS)

# suites/mac/apparmor* embed the AppArmor policy, compiled here against the
# features ABI pinned in fixtures/apparmor/features (never the build host's
# kernel, and without the host's parser.conf), so every guest gets the same bytes.
AA_POLICY := $(BUILD)/apparmor/policy.bin
$(AA_POLICY): $(wildcard fixtures/apparmor/*) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	apparmor_parser --config-file /dev/null -M fixtures/apparmor/features -I fixtures/apparmor \
		-Q -K -S fixtures/apparmor/blastradius.aa > $@.tmp && mv $@.tmp $@
$(filter $(BUILD)/obj/suites/mac/apparmor%,$(SUITE_OBJS)): $(AA_POLICY) suites/mac/aa.h

# suites/seccomp/fixtures.c embeds these with .incbin.
$(BUILD)/obj/suites/seccomp/fixtures.o: $(wildcard fixtures/seccomp/*.bpf)

# Our SELinux policy (fixtures/selinux, CIL), compiled for the guest's init to
# load when SELinux is active (the matrix's selinux cell).
SELINUX_POLICY := $(BUILD)/selinux/blastradius.policy
$(SELINUX_POLICY): fixtures/selinux/blastradius.cil | $(DEPS_STAMP)
	@mkdir -p $(@D)
	secilc -o $@.tmp -f /dev/null $< && mv $@.tmp $@

# suites/mac/assess links the probe's code (runners/probe/probe.c) and loads the policy.
$(BUILD)/obj/suites/mac/assess.o: runners/probe/probe.c $(AA_POLICY) suites/mac/aa.h

# The matrix guest's PID 1: static, libc only; it embeds the SELinux policy.
$(GUEST_INIT): runners/guest/init.c $(SELINUX_POLICY) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DBR_SELINUX_POLICY='"$(SELINUX_POLICY)"' $(LDSTATIC) -o $@ $<

# The guest's suites: ONE static binary, build/guest/blastradius-suites, with
# every suite object, each main renamed br_main_<suite>_<file>, and
# runners/guest/suites.c's main choosing one by argv[0] (README "Architecture").
# 76 static binaries (libc, libseccomp, libcap and lib copied 76 times, 66 MB)
# are 3.7 MB as one: the guest boots faster and has its memory back.
# suites.h lists the files and whether each one's own binary links lib/probe
# (the harness's -K and shared page follow that, as in the separate binaries).
GUEST_OBJS  := $(SUITE_SRCS:%.c=$(BUILD)/obj/guest/%.o)
.SECONDARY: $(SUITE_OBJS)
GUEST_SUITES := $(BUILD)/guest/blastradius-suites
$(BUILD)/obj/guest/suites/%.o: $(BUILD)/obj/suites/%.o
	@mkdir -p $(@D)
	objcopy --redefine-sym main=br_main_$(subst /,_,$*) $< $@
$(BUILD)/guest/suites.h: $(SUITE_BINS)
	@mkdir -p $(@D)
	for b in $(SUITE_BINS:$(BUILD)/suites/%=%); do \
		p=0; nm $(BUILD)/suites/$$b | grep -q ' T br_probe_share$$' && p=1; \
		echo "BR_SUITE_FILE($${b%%/*}, $${b#*/}, $$p)"; done > $@.tmp && mv $@.tmp $@
$(GUEST_SUITES): runners/guest/suites.c $(BUILD)/guest/suites.h $(GUEST_OBJS) $(LIB)
	$(CC) $(CFLAGS) -I$(BUILD)/guest $(LDSTATIC) -Wl,--gc-sections -o $@.full $< $(GUEST_OBJS) $(LIB) $(LIBS)
	strip -o $@.tmp $@.full && mv $@.tmp $@ && rm -f $@.full

# Reproducible newc cpio: /init, /dev/console, /suites/<suite>/<file> (hard
# links of the one binary). Raw, not compressed: at ~4 MB it costs the guest
# no memory worth a gzip (which once kept 76 binaries within 256 MiB).
$(INITRAMFS): $(CLI) $(GUEST_INIT) $(GUEST_SUITES)
	SOURCE_DATE_EPOCH=0 $(CLI) initramfs --init $(GUEST_INIT) --suites $(GUEST_SUITES) -o $@

$(BUILD)/tests/%: tests/%.c $(LIB) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DBR_SUITE='"selftest"' -DBR_FILE='"$*"' $(LDSTATIC) -o $@ $< $(LIB) $(LIBS)

run: all
	$(CLI) run

# The QEMU matrix: qemu without its ~450 MB of recommended GUI packages, and the
# decompressors for the kernels' PVH vmlinux.
MATRIX_DEPS := qemu-system-x86:qemu-system-x86_64 lz4:lz4 zstd:zstd xz-utils:xz

matrix-deps:
	@sh runners/deps.sh $(MATRIX_DEPS)

# A failed verdict or an incomplete cell (exit 1) is the matrix's output, not a
# failure of `make matrix`; `blastradius matrix` itself exits 1 for CI gates.
matrix: all matrix-deps
	$(CLI) kernels fetch
	$(CLI) matrix $(MATRIX_ARGS) || [ $$? = 1 ]

bench: all matrix-deps
	$(CLI) kernels fetch
	$(CLI) bench $(BENCH_ARGS)

# The kernel's own selftests (built from Debian's linux-source-X.Y at run time,
# never copied here) beside our suites; not part of check.
compare-kselftest: all
	BUILD=$(abspath $(BUILD)) sh runners/compare-kselftest.sh

# The agent sandboxes tests/agents.t assesses, pinned, into the user's cache
# (README "Agent sandboxes, assessed").
.PHONY: agents
agents:
	@sh runners/agents.sh

# Every sandbox of fixtures/gallery/host.gallery, side by side (README "Gallery"):
# their Debian packages (installed when root), the agent sandboxes from
# `make agents` on PATH. An incomplete column (exit 1) is the gallery's output.
GALLERY_DEPS := bubblewrap:/usr/bin/bwrap firejail:/usr/bin/firejail runc:/usr/sbin/runc \
	podman:/usr/bin/podman systemd-container:/usr/bin/systemd-nspawn util-linux:/usr/bin/setpriv
.PHONY: gallery
gallery: all
	@sh runners/deps.sh $(GALLERY_DEPS)
	@agents=$$(sh runners/agents.sh) || echo "blastradius: make agents failed: srt and codex will be incomplete" >&2; \
	PATH="$${agents:+$$agents:}$$PATH" $(CLI) gallery $(GALLERY_ARGS) fixtures/gallery/host.gallery || [ $$? = 1 ]

check: all
	@sh runners/deps.sh $(CHECK_DEPS)
	sh tests/prove.sh $(BUILD)

# ---- sanitizers and fuzzing (README "Sanitizers and fuzzing") ----
# clang with its sanitizer and libFuzzer runtimes (libclang-rt-N-dev is only
# a recommend of clang's, and deps.sh installs no recommends).
CLANG_DEPS = sh runners/deps.sh clang:clang && sh runners/deps.sh \
	libclang-rt-$$(clang -dumpversion | cut -d. -f1)-dev:$$(clang --print-runtime-dir)/libclang_rt.fuzzer-x86_64.a
# -Wno-format-truncation is gcc's; clang warns on lib/seccomp.h's #include_next
CLANG_WARN := -Wno-unknown-warning-option -Wno-include-next-absolute-path
# ASan (with LeakSanitizer) and UBSan; any report is fatal.
SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_BUILD  := build-sanitize
FUZZ_BUILD := build-fuzz
FUZZ_S     ?= 10
FUZZ_SRCS  := $(filter-out tests/fuzz/fuzz.c,$(wildcard tests/fuzz/*.c))
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
# The tests that can run on the sanitized build (README says why not the others).
SAN_TESTS  := tests/harness.t tests/run.t tests/containment.t tests/sandbox.t tests/seccomp.t \
	tests/facts.t tests/assess.t tests/badinput.t tests/atomic.t tests/report.t

# A dynamic copy of everything but the guest's files, built in $(SAN_BUILD)
# with CFLAGS and LDSTATIC overridden; then the suites and $(SAN_TESTS) on it.
# The static build's probe stands in where a static binary is needed.
sanitize: $(PROBE)
	@$(CLANG_DEPS)
	@sh runners/deps.sh $(CHECK_DEPS)
	CFLAGS='-O1 -g $(CLANG_WARN) $(SAN)' $(MAKE) CC=clang BUILD=$(SAN_BUILD) LDSTATIC='$(SAN)' \
		sanitize-bins
	BR_STATIC_PROBE=$(abspath $(PROBE)) sh tests/sanitize.sh $(SAN_BUILD) $(SAN_TESTS)
sanitize-bins: $(LIB) $(CLI) $(PROBE) $(SUITE_BINS) $(TEST_BINS)

# libFuzzer harnesses (tests/fuzz/*.c) linked with the CLI's objects but main.o;
# each runs FUZZ_S seconds from its seeds in tests/fuzz/corpus/<harness>/.
fuzz:
	@$(CLANG_DEPS)
	CFLAGS='-O1 -g $(CLANG_WARN) $(SAN) -fsanitize=fuzzer-no-link' $(MAKE) CC=clang \
		BUILD=$(FUZZ_BUILD) LDSTATIC='$(SAN)' fuzz-bins
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_S)
fuzz-bins: $(FUZZ_BINS)
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.c $(filter-out $(BUILD)/runners/main.o,$(CLI_OBJS)) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Irunners -Itests/fuzz -fsanitize=fuzzer -o $@ $^ -ljson-c $(LIBS)

# Mutation test, not part of check: each tests/mutants/*.mut applied alone to
# a copy of the tree in $(BUILD_MUTATE) (the working tree is never touched),
# rebuilt and tested; prints killed/survived/stale per mutant and the score.
# MUTANTS='caps-* mount-*' picks some.
BUILD_MUTATE ?= build-mutate
mutate:
	@sh runners/deps.sh $(BUILD_DEPS) $(CHECK_DEPS)
	BUILD_MUTATE=$(BUILD_MUTATE) python3 tests/mutate.py $(MUTANTS)

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(FUZZ_BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/blastradius $(DESTDIR)$(PREFIX)/libexec/blastradius
	install -m 755 $(CLI) $(PROBE) $(DESTDIR)$(PREFIX)/bin/
	install -D -m 644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/blastradius.1
	install -D -m 644 runners/blastradius.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/blastradius
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 lib/*.h $(DESTDIR)$(PREFIX)/include/blastradius/
	for b in $(SUITE_BINS:$(BUILD)/%=%); do \
		install -D -m 755 $(BUILD)/$$b $(DESTDIR)$(PREFIX)/libexec/blastradius/$$b; done
	install -m 644 $(INITRAMFS) $(DESTDIR)$(PREFIX)/libexec/blastradius/
	install -d $(DESTDIR)$(PREFIX)/share/blastradius
	cp -r fixtures/profiles fixtures/claims fixtures/seccomp fixtures/baselines $(DESTDIR)$(PREFIX)/share/blastradius/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' lib/blastradius.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/blastradius.pc

.PHONY: all run check clean install matrix matrix-deps bench compare-kselftest sanitize sanitize-bins \
	fuzz fuzz-bins mutate
-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(PROBE_OBJS:.o=.d) $(SUITE_OBJS:.o=.d) $(TEST_BINS:=.d) $(GUEST_INIT).d
