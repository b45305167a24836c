# foodorder: PGXS build.  make; make install; make installcheck

EXTENSION = foodorder
EXTVERSION = $(shell grep default_version $(EXTENSION).control | sed -e "s/.*'\(.*\)'.*/\1/")

MODULE_big = foodorder
OBJS = $(patsubst %.c,%.o,$(wildcard extension/*.c))

# The full install script of the current version is generated: the files
# of extension/sql/ (each object's current definition is in one of them),
# concatenated in this order, which is the order of creation.  The released
# scripts (foodorder--1.0.sql and the update scripts) are never edited; see
# docs/reference.md, "Making a new version".
FOODORDER_SQL = header restaurants menu stock hot_dishes customers orders cart \
	lifecycle payments callers row_security role_privileges grants limits lock_wait \
	verify dump_config
FOODORDER_SQL_FILES = $(patsubst %,extension/sql/%.sql,$(FOODORDER_SQL))
ifneq (,$(filter-out $(FOODORDER_SQL_FILES),$(wildcard extension/sql/*.sql)))
$(error extension/sql/ has files FOODORDER_SQL does not list: $(filter-out $(FOODORDER_SQL_FILES),$(wildcard extension/sql/*.sql)))
endif
FOODORDER_BUILT = extension/foodorder--$(EXTVERSION).sql
DATA_built = $(FOODORDER_BUILT)
DATA = $(filter-out $(DATA_built),$(wildcard extension/foodorder--*.sql))
# Sharding over PL/Proxy: the partition side and the router side
DATA += $(wildcard extension/sharding/*.control extension/sharding/*--*.sql)

# --- sharding extensions: the 1.2.2 scripts, built ---------------------------
# foodorder_shard's and foodorder_router's 1.2.2 install and 1.2.1--1.2.2
# update scripts are built from extension/sharding/sql/ (released scripts,
# 1.2 and 1.2.1, stay as they were shipped).  The router's install script
# replays its 1.2 script and 1.2.1 update, then the same api.sql as its
# update, so both ways run one code.
SHARDING_SQL = extension/sharding/sql
SHARDING_BUILT = extension/sharding/foodorder_shard--1.2.2.sql \
	extension/sharding/foodorder_shard--1.2.1--1.2.2.sql \
	extension/sharding/foodorder_router--1.2.2.sql \
	extension/sharding/foodorder_router--1.2.1--1.2.2.sql
DATA := $(filter-out $(SHARDING_BUILT),$(DATA))
DATA_built += $(SHARDING_BUILT)
# (the rules below come before PGXS's: keep "all" the default goal)
.DEFAULT_GOAL := all

extension/sharding/foodorder_shard--1.2.2.sql: $(addprefix $(SHARDING_SQL)/shard/,install.sql base.sql api.sql pinned.sql)
	cat $^ > $@
extension/sharding/foodorder_shard--1.2.1--1.2.2.sql: $(addprefix $(SHARDING_SQL)/shard/,update.sql api.sql pinned.sql)
	cat $^ > $@
extension/sharding/foodorder_router--1.2.2.sql: $(SHARDING_SQL)/router/install.sql \
		extension/sharding/foodorder_router--1.2.sql extension/sharding/foodorder_router--1.2--1.2.1.sql \
		$(SHARDING_SQL)/router/api.sql $(SHARDING_SQL)/router/pinned.sql
	{ cat $(word 1,$^); sed '/^\\echo /d' $(word 2,$^) $(word 3,$^); cat $(word 4,$^) $(word 5,$^); } > $@
extension/sharding/foodorder_router--1.2.1--1.2.2.sql: $(addprefix $(SHARDING_SQL)/router/,update.sql api.sql pinned.sql)
	cat $^ > $@
# --- end of the sharding block ------------------------------------------------

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

# Each part under a line naming its file, so a reader of the generated
# script knows where to edit.
$(FOODORDER_BUILT): $(FOODORDER_SQL_FILES) Makefile
	for f in $(FOODORDER_SQL_FILES); do printf -- '-- %s\n' "$$f"; cat "$$f"; echo; done >$@.tmp
	mv $@.tmp $@

# The generated scripts alone, without compiling (test/deb/run compares
# the package's copies with them).
.PHONY: built-sql
built-sql: $(DATA_built)

# Every file includes the shared header: a change to it (an enum, a macro)
# must rebuild them all, or an incremental build links stale objects.
$(OBJS): extension/foodorder.h

# pgTAP tests, run against the same server as installcheck.
PG_PROVE ?= pg_prove
.PHONY: prove_installcheck
prove_installcheck:
	$(PG_PROVE) --ext .sql --failures --comments test/pgtap/
