-- foodorder_router 1.2.2: the router database of a sharded foodorder.
-- Built by the Makefile: the released 1.2 script and 1.2 -> 1.2.1 update
-- as they are, then extension/sharding/sql/router/api.sql (which drops
-- their hand-made foodorder.* functions: set_partitions makes them from
-- the partitions' catalogs) and pinned.sql.  The 1.2.1 -> 1.2.2 update is
-- update.sql with the same api.sql and pinned.sql, so a router updated
-- from 1.2.1 and a new one run the same code (test/router-api/run compares
-- their catalogs).  Edit those files, not this one.
\echo Use "CREATE EXTENSION foodorder_router CASCADE" to load this file. \quit

