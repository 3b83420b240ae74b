# runc-go: build, test and install.
#   make            build build/runc-go
#   make deps       apt-get install every build and test dependency (Debian 12, idempotent)
#   make demo       deps + build + busybox bundle + run a real container
#   make check      every test (unit, integration, differential against runc)
#   make check SANITIZE=1   the same under ASan+UBSan
#   make install    PREFIX=/usr/local DESTDIR=

CC ?= gcc
PREFIX ?= /usr/local
DESTDIR ?=
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

.PHONY: all deps demo bundle check unit integration install uninstall clean format format-check bench

all: $(BIN)

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

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/runc-go

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/runc-go

format:
	clang-format -i $(CMD_SRC) $(LIB_SRC) $(wildcard src/*.h src/*/*.h cmd/*.h tests/unit/*.c tests/unit/*.h)

format-check:
	clang-format --dry-run -Werror $(CMD_SRC) $(LIB_SRC) $(wildcard src/*.h src/*/*.h cmd/*.h tests/unit/*.c tests/unit/*.h)

clean:
	rm -rf build build-sanitize

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)
