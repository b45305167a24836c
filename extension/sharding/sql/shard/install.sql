-- foodorder_shard 1.2.2: a partition database of a sharded foodorder.
-- Built by the Makefile from extension/sharding/sql/shard/ (install.sql,
-- base.sql, api.sql, pinned.sql): edit those, not this file.
\echo Use "CREATE EXTENSION foodorder_shard CASCADE" to load this file. \quit

