-- bench/shards: one row per pgbench run, in the router cluster's postgres
-- database; bench/shards-report.sql reads it.
CREATE SCHEMA bench_shards;
CREATE TABLE bench_shards.result (
    rep int, workload text, side text, clients int, seq int, rc int,
    txns bigint, failed bigint,     -- pgbench's counts, the whole run
    pgbench_tps numeric,            -- pgbench's tps, the whole run
    calls bigint, window_s numeric, -- the measured window (every client past its first call)
    tps numeric, p50_ms numeric, p99_ms numeric,  -- calls/s and latency in that window
    first_ms numeric,               -- a client's first call (median over the clients)
    orders bigint,                  -- placed on partitions 0 and 1 during the run
    sessions_p0 bigint, sessions_p1 bigint,  -- sessions opened on foodorder_p0 / _p1
    stale_notices bigint,           -- "PL/Proxy: dropping stale conn" in pgbench's output
    router_cpu_s numeric, node0_cpu_s numeric, node1_cpu_s numeric,  -- in the window
    node0_flushes bigint, node1_flushes bigint,  -- WAL flushes (pg_stat_wal.wal_sync), the whole run
    load numeric);
