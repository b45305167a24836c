# foodorder: PGXS build.  make; make install; make installcheck

EXTENSION = foodorder
EXTVERSION = $(shell grep default_version $(EXTENSION).control | sed -e "s/.*'\(.*\)'.*/\1/")

MODULE_big = foodorder
OBJS = $(patsubst %.c,%.o,$(wildcard extension/*.c))
DATA = $(wildcard extension/foodorder--*.sql)
# Sharding over PL/Proxy: the partition side and the router side
DATA += $(wildcard extension/sharding/*.control extension/sharding/*--*.sql)

# PostgreSQL's headers are not -Wextra clean for these two.
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare
# Sanitizer builds: make SANITIZE=1 (AddressSanitizer and UBSan; no suite runs one)
ifdef SANITIZE
PG_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SHLIB_LINK += -fsanitize=address,undefined
endif

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))

ISOLATION = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test

EXTRA_CLEAN = output_iso

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Every file includes the shared header: a change to it (an enum, a macro)
# must rebuild them all, or an incremental build links stale objects.
$(OBJS): extension/foodorder.h

# pgTAP tests, run against the same server as installcheck.
PG_PROVE ?= pg_prove
.PHONY: prove_installcheck
prove_installcheck:
	$(PG_PROVE) --ext .sql --failures --comments test/pgtap/
