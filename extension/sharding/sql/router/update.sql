/* foodorder_router 1.2.1 -> 1.2.2: the clients' foodorder.* functions are
 * generated from the partitions' catalogs (foodorder_router.sync_api(),
 * which set_partitions runs; run it after ALTER EXTENSION foodorder UPDATE
 * on the nodes), instead of a list of signatures kept by hand that an
 * update of foodorder on the nodes left stale.  Update foodorder_shard to
 * 1.2.2 on every node first; every node must be up.
 *
 * Built by the Makefile from extension/sharding/sql/router/ (update.sql,
 * api.sql, pinned.sql): edit those, not this file.
 */
\echo Use "ALTER EXTENSION foodorder_router UPDATE TO '1.2.2'" to load this file. \quit

