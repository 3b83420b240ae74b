# runc-go: build, test and install.
#   make            build build/runc-go
#   make deps       apt-get install every build and test dependency (Debian 12, idempotent)
#   make demo       deps + build + busybox bundle + run a real container
#   make check      every test (unit, integration, differential against runc)
#   make check SANITIZE=1   the same under ASan+UBSan
#   make fuzz       libFuzzer harnesses of the config.json/process.json/resources parsers
#                   (clang, ASan+UBSan) in build-fuzz; tests/integration/fuzz.sh runs them
#   make man        the manual pages (docs/man/*.md, go-md2man) in build/man
#   make install    PREFIX=/usr/local DESTDIR=: binary, man pages, bash completion, docs
#   make deb        build/runc-go_<version>_<arch>.deb (DEB_OUT=dir to put it elsewhere;
#                   `make -o build/runc-go deb` packages the binary as it is, no rebuild)

CC ?= gcc
PREFIX ?= /usr/local
DESTDIR ?=
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/runc-go
VERSION := 0.1.0
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

PKGS := yajl libseccomp libcap
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lyajl -lseccomp -lcap)

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE $(PKG_CFLAGS) \
	-DRUNC_GO_VERSION='"$(VERSION)"' -DRUNC_GO_COMMIT='"$(COMMIT)"' -MMD -MP
LDLIBS += $(PKG_LIBS)

ifeq ($(SANITIZE),1)
BUILD ?= build-sanitize
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
else
BUILD ?= build
# Static by default: without the dynamic loader each start is ~0.3 ms cheaper, and nothing
# needs NSS. STATIC=0 links the shared libraries. Sanitizers need dynamic linking.
STATIC ?= 1
# ... and with musl: a static glibc program spends ~0.5 ms of every start in CPUID
# instructions (its CPU and cache detection), which trap to the hypervisor in a virtual
# machine. The three libraries are built for musl from Debian's sources
# (scripts/musl-deps.sh). LIBC=glibc links glibc statically instead.
LIBC ?= musl
endif

ifeq ($(STATIC),1)
LDFLAGS += -static
ifeq ($(LIBC),musl)
MUSL_DEPS := $(BUILD)/musl-deps
CC := musl-gcc
PKG_CFLAGS = -isystem $(MUSL_DEPS)/include -isystem $(MUSL_DEPS)/kernel-include
PKG_LIBS = $(MUSL_DEPS)/lib/libyajl.a $(MUSL_DEPS)/lib/libseccomp.a $(MUSL_DEPS)/lib/libcap.a
else
PKG_LIBS = -l:libyajl_s.a $(shell pkg-config --static --libs libseccomp libcap 2>/dev/null || \
	echo -lseccomp -lcap)
endif
endif

ifeq ($(FAULT_INJECTION),1)
CFLAGS += -DRUNC_GO_FAULT_INJECTION
endif

LIB_SRC := $(wildcard src/*.c src/spec/*.c src/container/*.c src/linux/*.c src/hooks/*.c)
CMD_SRC := $(wildcard cmd/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

BIN := $(BUILD)/runc-go
LIB := $(BUILD)/librunc-go.a
MAN_SRC := $(wildcard docs/man/*.8.md)
MAN := $(MAN_SRC:docs/man/%.md=$(BUILD)/man/%)
DOCS := $(wildcard docs/*.md)
DEB_OUT ?= $(BUILD)

.PHONY: all deps demo bundle check unit integration man install uninstall deb clean format \
	format-check bench fuzz

all: $(BIN)

ifdef MUSL_DEPS
$(LIB_OBJ) $(CMD_OBJ) $(UNIT_BIN): | $(MUSL_DEPS)/.built
$(MUSL_DEPS)/.built:
	./scripts/musl-deps.sh $(MUSL_DEPS)
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -iquote src -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

deps:
	./scripts/deps.sh

bundle: $(BIN)
	./scripts/make-bundle.sh $(BUILD)/bundle

demo: deps
	$(MAKE) all
	./scripts/demo.sh $(BUILD)

unit: $(UNIT_BIN)

check: $(BIN) $(UNIT_BIN)
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) ./tests/run.sh

bench: $(BIN)
	./bench/run.sh $(BUILD)

# the same bench in the pure cgroup v2 VM (../shared/vm/run-v2), N=30: ratios only
.PHONY: bench-vm
bench-vm: $(BIN)
	BENCH_VM=1 ./bench/run.sh $(BUILD)

# The fuzz build: the library compiled again with clang, coverage instrumentation and the
# sanitizers, in its own directory; each tests/fuzz/fuzz_*.c links it with libFuzzer.
# Dynamic libraries (the sanitizers need them); no -Werror: a clang-only warning in src/
# must not hide the harnesses.
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
	-DRUNC_GO_VERSION='"$(VERSION)"' -DRUNC_GO_COMMIT='"$(COMMIT)"' -MMD -MP $(FUZZ_SAN)
FUZZ_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lyajl -lseccomp -lcap)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))

fuzz: $(FUZZ_BIN)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-FUZZ $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/librunc-go.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/librunc-go.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -iquote src -o $@ $< $(FUZZ_BUILD)/librunc-go.a \
		$(FUZZ_LIBS)

man: $(MAN)

$(BUILD)/man/%.8: docs/man/%.8.md
	@mkdir -p $(dir $@)
	@echo "  MAN     $@"
	@go-md2man -in $< -out $@

install: $(BIN) $(MAN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/runc-go
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR)/docs
	install -m 0644 $(MAN) $(DESTDIR)$(MANDIR)/man8/
	install -D -m 0644 contrib/completions/bash/runc-go $(DESTDIR)$(BASHCOMPDIR)/runc-go
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/docs/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/runc-go $(DESTDIR)$(BASHCOMPDIR)/runc-go
	rm -f $(MAN:$(BUILD)/man/%=$(DESTDIR)$(MANDIR)/man8/%)
	rm -rf $(DESTDIR)$(DOCDIR)

# The package is made from `make install DESTDIR=<staging> PREFIX=/usr` of this build.
deb: $(BIN) $(MAN)
	./scripts/make-deb.sh --build $(BUILD) --version $(VERSION) --out $(DEB_OUT)

format:
	clang-format -i $(CMD_SRC) $(LIB_SRC) $(wildcard src/*.h src/*/*.h cmd/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c)

format-check:
	clang-format --dry-run -Werror $(CMD_SRC) $(LIB_SRC) $(wildcard src/*.h src/*/*.h cmd/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c)

clean:
	rm -rf build build-sanitize build-fuzz

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BIN:=.d)
