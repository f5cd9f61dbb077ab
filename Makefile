# luavirt - one non-recursive Makefile. Every .c under core/ kvm/ net/
# storage/ goes into the binary; every tests/c/test_*.c is a unit test
# linked with all of them but core/main.c.

PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
PKGS      = lua5.4 libxml-2.0 libnl-3.0 libnl-route-3.0 uuid libedit jansson \
            libisofs-1

CC       ?= gcc
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wvla
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(CFLAGS) $(WARN) -MMD -MP \
            -I. -Icore $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
            -DLUAVIRT_LUADIR='"$(PREFIX)/share/luavirt/lua"'
LDFLAGS  += -Wl,--as-needed -Wl,-O1
# libedit and libisofs are dlopen'ed on first use (core/lazy_lib.h):
# headers only, and -ldl for dlopen
LDLIBS   += $(shell pkg-config --libs $(filter-out libedit libisofs-1,$(PKGS)) 2>/dev/null) -ldl
# The luavirt binary takes Debian's static archives of the same libraries
# (pkg-config --static; libstdc++ too, which ICU needs): a one-shot command
# spends most of its time in the dynamic loader otherwise (libxml2 brings
# ICU and libstdc++: 1.4 ms of the 4 ms of `list`; bench/run). The price: a larger file (ICU's data), and a
# security update of one of them needs a rebuild. LINK=shared links them
# dynamically, as a distribution package would; the unit tests always do.
LINK     ?= static
ifeq ($(LINK),static)
BIN_LIBS  = -Wl,-Bstatic $(filter-out -lm -ldl -lpthread,$(shell pkg-config --static \
            --libs $(filter-out libedit libisofs-1,$(PKGS)) 2>/dev/null)) -lstdc++ \
            -Wl,-Bdynamic -lm -ldl -lpthread \
            -Wl,--export-dynamic-symbol='lua*' # for Lua C modules (require)
else
BIN_LIBS  = $(LDLIBS)
endif

SRCS     := $(sort $(wildcard core/*.c kvm/*.c net/*.c storage/*.c))
OBJS     := $(SRCS:%.c=$(BUILD)/%.o)
LIBOBJS  := $(filter-out $(BUILD)/core/main.o,$(OBJS))
LUASRCS  := $(sort $(wildcard lua/stdlib/*.lua lua/recipes/*.lua))
LUABC    := $(LUASRCS:%.lua=$(BUILD)/%.luac)
TSRCS    := $(sort $(wildcard tests/c/test_*.c))
TBINS    := $(TSRCS:tests/c/%.c=$(BUILD)/tests/%)

ifeq ($(V),1)
Q =
else
Q = @
endif

.PHONY: all deps test test-c test-lua check demo bench install clean guest fuzz fuzz-bins fuzz-run

all: $(BUILD)/luavirt $(TBINS) $(LUABC)

# The stdlib precompiled (with debug info, for error positions); the
# runtime uses a .luac only when it is not older than its .lua.
$(BUILD)/lua/%.luac: lua/%.lua
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LUAC    $<")
	$(Q)luac5.4 -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/luavirt: $(OBJS)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(BIN_LIBS)

$(BUILD)/tests/%: tests/c/%.c $(LIBOBJS) tests/c/harness.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

# Debian packages for building and running (idempotent); g++ for the
# static libstdc++ that ICU needs in the static link (LINK=static).
DEB_PKGS = gcc g++ make pkg-config liblua5.4-dev lua5.4 libxml2-dev libxml2-utils \
           libnl-3-dev libnl-route-3-dev uuid-dev libjansson-dev libedit-dev \
           qemu-system-x86 qemu-utils busybox-static linux-image-cloud-amd64 \
           cpio e2fsprogs valgrind iproute2 dnsmasq-base nftables kmod hyperfine \
           lvm2 ovmf swtpm swtpm-tools clang libisofs-dev libvirt-clients \
           openssh-server openssh-client
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "deps: installing $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all installed"; fi

guest: $(BUILD)/luavirt
	$(Q)tests/guest/build-guest $(BUILD)/guest

test: deps
	$(Q)$(MAKE) --no-print-directory all guest
	$(Q)tests/run-all $(BUILD)

test-c: all
	$(Q)tests/run-all $(BUILD) c

test-lua: all guest
	$(Q)tests/run-all $(BUILD) lua

# Sanitizer build of everything, then the C tests under it and under valgrind.
check: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build-check \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" all
	$(Q)ASAN_OPTIONS=detect_leaks=1 tests/run-all build-check c
	$(Q)$(MAKE) --no-print-directory all guest
	$(Q)mkdir -p build-check/guest && cp $(BUILD)/guest/* build-check/guest/
	$(Q)ASAN_OPTIONS=detect_leaks=1 tests/run-all build-check lua
	$(Q)tests/run-all $(BUILD) valgrind

# libFuzzer targets (tests/fuzz): everything built with clang into
# build-fuzz, then each target run for FUZZ_SECONDS from a seed corpus of
# the conformance XML; prints executions per second, fails on a crash.
# `make test` runs them too, beside the Lua tests (FUZZ_SECONDS=0: not).
FUZZ_XML   = domain network pool volume snapshot
FUZZ_BINS  = $(FUZZ_XML:%=$(BUILD)/fuzz/xml_%) $(BUILD)/fuzz/qmp $(BUILD)/fuzz/leases
FUZZ_SAN   = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60

$(BUILD)/fuzz/xml_%: tests/fuzz/fuzz_xml.c $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -DKIND_$* -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD)/fuzz/%: tests/fuzz/fuzz_%.c $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-run

# what `make test` runs beside the Lua tests (tests/run-all, at nice 19)
fuzz-run:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	    LDFLAGS="$(FUZZ_SAN)" fuzz-bins
	$(Q)tests/fuzz/run build-fuzz $(FUZZ_SECONDS)

demo: deps
	$(Q)$(MAKE) --no-print-directory all guest
	$(Q)$(BUILD)/luavirt lua/recipes/demo.lua $(BUILD)/guest

bench: all guest
	$(Q)bench/run $(BUILD)

install: $(BUILD)/luavirt
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/luavirt
	install -m 755 $(BUILD)/luavirt $(DESTDIR)$(PREFIX)/bin/luavirt
	cp -r lua $(DESTDIR)$(PREFIX)/share/luavirt/
	cd $(BUILD)/lua && find . -name '*.luac' -exec install -D -m 644 {} \
	    $(DESTDIR)$(PREFIX)/share/luavirt/lua/{} \;
	@# the user system-scope QEMUs run as (kvm/dom_jail.h), like libvirt-qemu;
	@# luavirt also makes it on first use
	$(Q)if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && \
	    ! getent passwd luavirt-qemu >/dev/null; then \
	    /usr/sbin/useradd --system --no-create-home --home-dir /nonexistent \
	        --shell /usr/sbin/nologin --user-group luavirt-qemu; fi

clean:
	rm -rf build build-check

-include $(OBJS:.o=.d)
