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
LDSTATIC := -static
LIBS    := -lseccomp -lcap

# Debian packages by name, each with a file that proves it is installed.
BUILD_DEPS := libseccomp-dev:/usr/include/seccomp.h libcap-dev:/usr/include/sys/capability.h \
              libjson-c-dev:/usr/include/json-c/json.h

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

$(DEPS_STAMP): runners/deps.sh
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

# One static binary per suite source: build/suites/<suite>/<file>.
# Suites embed fixtures (.incbin), which -MMD cannot see.
$(BUILD)/suites/%: suites/%.c $(LIB) $(FIXTURES) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DBR_SUITE='"$(word 2,$(subst /, ,$<))"' \
		-DBR_FILE='"$(basename $(notdir $<))"' $(LDSTATIC) -o $@ $< $(LIB) $(LIBS)

# suites/seccomp/fixtures.c embeds these with .incbin.
$(BUILD)/suites/seccomp/fixtures: $(wildcard fixtures/seccomp/*.bpf)

# The matrix guest's PID 1: static, libc only.
$(GUEST_INIT): runners/guest/init.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDSTATIC) -o $@ $<

# Guests get stripped suite binaries: the initramfs and its unpacked copy must
# both fit in the guest's 256 MiB next to the kernel.
GUEST_SUITES := $(SUITE_BINS:$(BUILD)/suites/%=$(BUILD)/guest/suites/%)
$(BUILD)/guest/suites/%: $(BUILD)/suites/%
	@mkdir -p $(@D)
	strip -o $@ $<

# Reproducible newc cpio: /init, /dev/console, /suites/<suite>/<file>.
$(INITRAMFS): $(CLI) $(GUEST_INIT) $(GUEST_SUITES)
	SOURCE_DATE_EPOCH=0 BR_SUITES_DIR=$(BUILD)/guest/suites $(CLI) initramfs --init $(GUEST_INIT) -o $@

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

check: all
	@sh runners/deps.sh $(CHECK_DEPS)
	prove -f tests/

clean:
	rm -rf $(BUILD)

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

.PHONY: all run check clean install matrix matrix-deps bench compare-kselftest
-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(PROBE_OBJS:.o=.d) $(SUITE_BINS:=.d) $(TEST_BINS:=.d) $(GUEST_INIT).d
