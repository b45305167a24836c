-- Markdown report of bench/shards from bench_shards.result (one row per
-- pgbench run).  bench/shards passes :verify (rows of foodorder.verify()
-- through the router at the end), :failures (runs whose checks failed),
-- :cmd (the command line) and :ncpu (the machine's CPUs).
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
\pset footer off

CREATE TEMP VIEW run AS
SELECT r.*,
       greatest(r.sessions_p0 - r.clients, 0) + greatest(r.sessions_p1 - r.clients, 0) AS reconnects,
       (r.router_cpu_s * 1e6 / nullif(r.calls, 0)) AS router_us,
       ((r.node0_cpu_s + r.node1_cpu_s) * 1e6 / nullif(r.calls, 0)) AS node_us,
       ((r.node0_flushes + r.node1_flushes)::numeric / nullif(r.txns, 0)) AS flushes
  FROM bench_shards.result r;

-- Direct and routed runs of one workload in one round, side by side.
CREATE TEMP VIEW pair AS
SELECT d.workload, d.rep, d.clients,
       d.tps AS d_tps, r.tps AS r_tps, d.p50_ms AS d_p50, r.p50_ms AS r_p50,
       d.p99_ms AS d_p99, r.p99_ms AS r_p99,
       r.tps / d.tps AS ratio,
       (r.p50_ms - d.p50_ms) * 1000 AS p50_us,
       (d.clients / r.tps - d.clients / d.tps) * 1e6 AS call_us,
       r.reconnects, r.stale_notices, r.sessions_p0 AS r_sessions
  FROM run d JOIN run r ON r.rep = d.rep AND r.workload = d.workload AND r.side = 'routed'
 WHERE d.side = 'direct';

CREATE TEMP VIEW cell AS
SELECT workload, clients, count(*) AS rounds,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY d_tps))::numeric AS d_tps,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY r_tps))::numeric AS r_tps,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY d_p50))::numeric AS d_p50,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY r_p50))::numeric AS r_p50,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY d_p99))::numeric AS d_p99,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY r_p99))::numeric AS r_p99,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY ratio))::numeric AS ratio,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY p50_us))::numeric AS p50_us,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY call_us))::numeric AS call_us,
       sum(reconnects) AS reconnects, sum(stale_notices) AS stale,
       string_agg(round(ratio, 2)::text, ', ' ORDER BY rep) AS ratios,
       array_position(ARRAY['spread', 'keyed', 'hot', 'refused', 'one_client'], workload) AS o
  FROM pair GROUP BY workload, clients;

CREATE FUNCTION pg_temp.ms(v numeric) RETURNS text LANGUAGE sql IMMUTABLE
RETURN CASE WHEN v IS NULL THEN '?' WHEN v >= 10 THEN round(v)::text
            WHEN v >= 1 THEN round(v, 1)::text ELSE round(v, 2)::text END;
CREATE FUNCTION pg_temp.label(w text) RETURNS text LANGUAGE sql IMMUTABLE
RETURN CASE w WHEN 'spread' THEN 'orders, spread' WHEN 'keyed' THEN 'orders, spread, request key'
              WHEN 'hot' THEN 'orders, hot dish'
              WHEN 'refused' THEN 'refusals (OR001)' WHEN 'one_client' THEN 'orders, spread, 1 client'
              WHEN 'two_nodes' THEN 'orders, spread over 2 nodes' ELSE w END;

SELECT format(E'## Through the router against directly on one node\n\n'
              'Command: `%s`; medians of %s rounds (ratios and differences taken within each round,\n'
              'direct and routed run back to back). Calls per second with p50 / p99 latency in ms,\n'
              'measured from the moment every client has finished its first call (a router backend''s\n'
              'first call also connects to the partition) until the first client stops;\n'
              '"router cost" = routed minus direct, per call, in microseconds: at p50, and as the time\n'
              'per call of one client (clients / calls per second); reconnects = sessions PL/Proxy opened\n'
              'on the partition beyond one per client, summed over the routed runs.\n',
              :'cmd', max(rounds))
  FROM cell;
SELECT '| calls | clients | direct, per s (p50 / p99 ms) | routed, per s (p50 / p99 ms) | routed / direct | router cost at p50, µs | router cost per call, µs | reconnects |';
SELECT '|---|---:|---:|---:|---:|---:|---:|---:|';
SELECT format('| %s | %s | %s (%s / %s) | %s (%s / %s) | %s | %s | %s | %s |',
              pg_temp.label(workload), clients,
              round(d_tps), pg_temp.ms(d_p50), pg_temp.ms(d_p99),
              round(r_tps), pg_temp.ms(r_p50), pg_temp.ms(r_p99),
              round(ratio, 2), round(p50_us), round(call_us), reconnects)
  FROM cell ORDER BY o, clients;
SELECT E'\nrouted / direct in each round: '
       || string_agg(format('%s %s', workload, ratios), '; ' ORDER BY o) FROM cell;

-- Refusals: the reconnect count, with the control.
SELECT E'\n## Refusals and PL/Proxy connections\n\n'
       'Sessions opened on foodorder_p0 during each run (pg_stat_database.sessions, read once every\n'
       'backend had exited) and PL/Proxy''s "dropping stale conn" notices in pgbench''s output.\n'
       'Direct, the sessions are pgbench''s own (one per client and one more); routed, PL/Proxy''s\n'
       '(one per router backend);\n'
       'the control calls the node''s place_order through a bare PL/Proxy function, which lets the\n'
       'error through, so PL/Proxy drops and reopens its connection after every refusal (its\n'
       'refusals/s and p50 are over the whole run: every call reconnects). A refused place_order\n'
       'has written its order row: the router''s partition function returns the refusal as a row\n'
       'and commits, waiting for a WAL flush; a client calling the node gets the error and its\n'
       'transaction aborts without waiting (bench_shards.refused commits without waiting, as an\n'
       'abort does). WAL flushes per refusal: pg_stat_wal.wal_sync of the node, whole run.\n'
 WHERE EXISTS (SELECT FROM run WHERE workload = 'refused');
SELECT '| run | clients | refusals/s (median) | p50 ms | sessions opened per run | stale-connection notices | node WAL flushes per refusal |'
 WHERE EXISTS (SELECT FROM run WHERE workload = 'refused');
SELECT '|---|---:|---:|---:|---|---:|---:|'
 WHERE EXISTS (SELECT FROM run WHERE workload = 'refused');
SELECT format('| %s | %s | %s | %s | %s | %s | %s |',
              CASE side WHEN 'direct' THEN 'direct on foodorder_p0' WHEN 'routed' THEN 'through the router'
                        ELSE 'control: bare PL/Proxy function' END,
              max(clients),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE side WHEN 'raw' THEN pgbench_tps ELSE tps END))::numeric),
              pg_temp.ms((percentile_cont(0.5) WITHIN GROUP (ORDER BY p50_ms))::numeric),
              string_agg(sessions_p0::text, ', ' ORDER BY rep), sum(stale_notices),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY flushes))::numeric, 3))
  FROM run WHERE workload = 'refused'
 GROUP BY side ORDER BY array_position(ARRAY['direct', 'routed', 'raw'], side);

-- CPU per call: where the router's cost goes.
SELECT E'\n## Server CPU per call\n\n'
       'CPU time of each cluster in the measured window (postmaster and all its children, from\n'
       '/proc, sampled every 0.2 s and interpolated) divided by the calls in it, in microseconds;\n'
       'medians. pgbench''s own CPU is not counted. WAL flushes: pg_stat_wal.wal_sync of the\n'
       'nodes over the whole run (the WAL writer''s included) per call. First call: a client''s first call on its new\n'
       'connection (median over the clients; not in the window): routed, the router backend also\n'
       'connects to the partition and loads its functions.\n';
SELECT '| calls | clients | side | calls/s | first call, ms | router CPU µs/call | node CPU µs/call | both µs/call | node WAL flushes/call |';
SELECT '|---|---:|---|---:|---:|---:|---:|---:|---:|';
SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s | %s |',
              pg_temp.label(workload), clients, side,
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY tps))::numeric),
              pg_temp.ms((percentile_cont(0.5) WITHIN GROUP (ORDER BY first_ms))::numeric),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY router_us))::numeric),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY node_us))::numeric),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY router_us + node_us))::numeric),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY flushes))::numeric, 3))
  FROM run WHERE side <> 'raw'
 GROUP BY workload, clients, side
 ORDER BY array_position(ARRAY['spread', 'keyed', 'hot', 'refused', 'one_client', 'two_nodes'], workload),
          array_position(ARRAY['direct', 'routed'], side);

-- Per node.
SELECT E'\n## Per node\n'
       || coalesce(format(E'\n- one node, direct (orders on foodorder_p0, %s clients): %s orders/s spread, %s hot',
                          (SELECT clients FROM cell WHERE workload = 'spread'),
                          (SELECT round(d_tps) FROM cell WHERE workload = 'spread'),
                          (SELECT round(d_tps) FROM cell WHERE workload = 'hot')), '')
       || coalesce(format(E'\n- one node through the router: %s orders/s spread, %s hot',
                          (SELECT round(r_tps) FROM cell WHERE workload = 'spread'),
                          (SELECT round(r_tps) FROM cell WHERE workload = 'hot')), '')
       || coalesce((SELECT format(E'\n- two nodes through the router (spread over partitions 0 and 1, %s clients): %s orders/s, %s x one node through the router (%s orders/s spread)',
                                  max(t.clients), round((percentile_cont(0.5) WITHIN GROUP (ORDER BY t.tps))::numeric),
                                  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY t.tps / p.r_tps))::numeric, 2),
                                  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY p.r_tps))::numeric))
                      FROM run t JOIN pair p ON p.rep = t.rep AND p.workload = 'spread'
                     WHERE t.workload = 'two_nodes'), '')
       || format(E'\n\nThe router, both nodes and pgbench share this machine''s %s CPUs: a second node adds no\n'
                 'CPU here, so throughput cannot grow with nodes on this machine.', :ncpu);

SELECT format(E'\n%s; foodorder.verify() through the router: %s.',
              CASE WHEN :failures = 0 THEN 'Every run''s checks held (pgbench ended well, no failed transaction, orders = transactions or, refused, none; routed runs: no reconnect; the control: reconnects seen)'
                   ELSE format('%s runs FAILED their checks (see log.txt)', :failures) END,
              CASE WHEN :verify = 0 THEN 'empty' ELSE format('%s rows (FAIL)', :verify) END);
