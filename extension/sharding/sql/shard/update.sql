/* foodorder_shard 1.2.1 -> 1.2.2: the router's functions generated from
 * this database's catalog.  put_customer and put_address check with
 * foodorder's own add_customer and add_address (1.2.1 repeated their
 * limits); the call_ functions are made by foodorder_shard.sync_calls(),
 * which the router's foodorder_router.sync_api() runs (set_partitions runs
 * it; run it after ALTER EXTENSION foodorder UPDATE on the nodes), and
 * described to the router by foodorder_shard.api().  The call_ functions of
 * 1.2.1 stay until then.
 *
 * Built by the Makefile from extension/sharding/sql/shard/ (update.sql,
 * api.sql, pinned.sql): edit those, not this file.
 */
\echo Use "ALTER EXTENSION foodorder_shard UPDATE TO '1.2.2'" to load this file. \quit

