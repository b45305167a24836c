-- Markdown report from bench.result (one row per pgbench run); bench/run
-- passes :final, the end-of-benchmark invariant check as
-- "orders,lines,giveups,bad_stock,bad_sold,bad_totals,bad_verify".
\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
\pset footer off

-- A cell is (workload, clients, pool, variant); pool is NULL for direct runs,
-- else the size of the PgBouncer pool the clients went through.
CREATE TEMP VIEW cell AS
SELECT workload, clients, pool, variant, count(*) AS runs,
       clients || coalesce(' via pool ' || pool, '') AS label,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY tps) AS tps,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS latency_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY p50_ms) AS p50_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY p99_ms) AS p99_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY orders * tps / nullif(txns, 0)) AS orders_per_s,
       sum(failed) AS failed, sum(serialization_failures) AS ser_failed,
       sum(deadlock_failures) AS dl_failed, sum(retried) AS retried,
       sum(retries) AS retries, sum(pg_deadlocks) AS deadlocks,
       sum(giveups) AS giveups, max(rc) AS rc,
       sum(bad_stock) AS bad_stock, sum(bad_sold) AS bad_sold,
       sum(bad_totals) AS bad_totals, sum(bad_verify) AS bad_verify,
       array_position(ARRAY['place_order', 'plpgsql', 'single_sql',
                            'pessimistic', 'optimistic'], variant) AS vorder
  FROM bench.result
 GROUP BY workload, clients, pool, variant;

SELECT CASE WHEN max(runs) > 1
            THEN format(E'tps, latency and orders/s are medians of %s runs per cell; counts are sums.\n', max(runs))
            ELSE '' END
       || E'Columns: tps and avg latency from pgbench (a transaction = one order attempt);\n'
       || E'p50, p99 = latency percentiles from pgbench -l (--percentiles), client side: through\n'
       || E'a pooler they include the wait for a server connection; "64 via pool 16" = 64 clients\n'
       || E'through a PgBouncer transaction pool of 16 server connections;\n'
       || E'orders/s = orders actually placed per second (differs from tps only for give-ups);\n'
       || E'failed = transactions that failed after --max-tries (ser = serialization, dl = deadlock);\n'
       || E'retried = transactions retried / total retries; deadlocks = pg_stat_database.deadlocks delta;\n'
       || E'give-ups = optimistic orders abandoned after 3 lost compare-and-set attempts;\n'
       || E'invariants = per-run check (stock+sold constant, sold = lines, order totals = lines + fee,\n'
       || E'one restaurant per order) and foodorder.verify() over all orders.\n'
  FROM cell;

SELECT format(E'\n## %s\n\n', workload)
       || E'| variant | clients | tps | avg latency ms | p50 ms | p99 ms | orders/s | failed | retried (txns / retries) | deadlocks | give-ups | invariants |\n'
       || E'|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
       || string_agg(format('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |',
                            variant, label, round(tps::numeric), round(latency_ms::numeric, 3),
                            coalesce(round(p50_ms::numeric, 2)::text, '-'),
                            coalesce(round(p99_ms::numeric, 2)::text, '-'),
                            round(orders_per_s::numeric),
                            coalesce(failed::text, '?')
                              || CASE WHEN failed > 0 THEN format(' (ser %s, dl %s)', ser_failed, dl_failed) ELSE '' END,
                            coalesce(retried::text, '?') || ' / ' || coalesce(retries::text, '?'),
                            deadlocks,
                            CASE WHEN variant = 'optimistic' THEN giveups::text ELSE '-' END,
                            CASE WHEN bad_stock + bad_sold + bad_totals + bad_verify = 0 THEN 'ok'
                                 ELSE format('FAIL (stock %s, sold %s, totals %s, verify %s)',
                                             bad_stock, bad_sold, bad_totals, bad_verify) END
                              || CASE WHEN rc <> 0 THEN format(', pgbench exit %s', rc) ELSE '' END),
                     E'\n' ORDER BY vorder, clients, pool NULLS FIRST)
  FROM cell
 GROUP BY workload
 ORDER BY array_position(ARRAY['hot', 'spread'], workload);

SELECT E'\n## place_order tps ratios\n\n'
       || E'| workload | clients | place_order | plpgsql | single_sql | place_order / plpgsql | place_order / single_sql |\n'
       || E'|---|---:|---:|---:|---:|---:|---:|\n'
       || string_agg(format('| %s | %s | %s | %s | %s | %s | %s |', workload, label,
                            round(po::numeric), coalesce(round(pl::numeric)::text, '-'),
                            coalesce(round(ss::numeric)::text, '-'),
                            coalesce(round((po / nullif(pl, 0))::numeric, 2)::text, '-'),
                            coalesce(round((po / nullif(ss, 0))::numeric, 2)::text, '-')),
                     E'\n' ORDER BY array_position(ARRAY['hot', 'spread'], workload), clients, pool NULLS FIRST)
  FROM (SELECT workload, clients, pool, min(label) AS label,
               max(tps) FILTER (WHERE variant = 'place_order') AS po,
               max(tps) FILTER (WHERE variant = 'plpgsql') AS pl,
               max(tps) FILTER (WHERE variant = 'single_sql') AS ss
          FROM cell GROUP BY workload, clients, pool) r
 WHERE po IS NOT NULL;

-- Through a pooler: each pooled cell (N clients via a pool of P) against the
-- direct cell with P clients, same workload and variant.
SELECT E'\n## Through a pooler vs direct\n\n'
       || E'| workload | variant | pooled | orders/s | p50 / p99 ms | direct | orders/s | p50 / p99 ms | pooled / direct |\n'
       || E'|---|---|---|---:|---:|---|---:|---:|---:|\n'
       || string_agg(format('| %s | %s | %s | %s | %s | %s | %s | %s | %s |',
                            pc.workload, pc.variant, pc.label, round(pc.orders_per_s::numeric),
                            coalesce(round(pc.p50_ms::numeric, 2) || ' / ' || round(pc.p99_ms::numeric, 2), '-'),
                            coalesce(dc.label, '-'), coalesce(round(dc.orders_per_s::numeric)::text, '-'),
                            coalesce(round(dc.p50_ms::numeric, 2) || ' / ' || round(dc.p99_ms::numeric, 2), '-'),
                            coalesce(round((pc.orders_per_s / nullif(dc.orders_per_s, 0))::numeric, 2)::text, '-')),
                     E'\n' ORDER BY array_position(ARRAY['hot', 'spread'], pc.workload), pc.vorder,
                                 pc.clients, pc.pool)
  FROM cell pc
  LEFT JOIN cell dc ON dc.workload = pc.workload AND dc.variant = pc.variant
                   AND dc.pool IS NULL AND dc.clients = pc.pool
 WHERE pc.pool IS NOT NULL
HAVING count(*) > 0;

-- The targets the project set for place_order.
SELECT E'\n## Targets\n\n| target | measured | met |\n|---|---|---|\n'
       || string_agg(format('| %s | %s | %s |', target, measured, CASE WHEN met THEN 'yes' ELSE '**no**' END),
                     E'\n' ORDER BY n)
  FROM (
    SELECT 1 AS n, 'spread/16: place_order >= 2.0x plpgsql' AS target,
           round((po.tps / pl.tps)::numeric, 3)::text || 'x' AS measured, po.tps >= 2.0 * pl.tps AS met
      FROM cell po JOIN cell pl USING (workload, clients)
     WHERE workload = 'spread' AND clients = 16 AND po.variant = 'place_order' AND pl.variant = 'plpgsql'
       AND po.pool IS NULL AND pl.pool IS NULL
    UNION ALL
    SELECT 2, 'spread/16: place_order >= 0.9x single_sql',
           round((po.tps / ss.tps)::numeric, 3)::text || 'x', po.tps >= 0.9 * ss.tps
      FROM cell po JOIN cell ss USING (workload, clients)
     WHERE workload = 'spread' AND clients = 16 AND po.variant = 'place_order' AND ss.variant = 'single_sql'
       AND po.pool IS NULL AND ss.pool IS NULL
    UNION ALL
    SELECT 3 + clients, format('hot/%s: place_order no deadlocks, no failures', label),
           format('%s deadlocks, %s failed, %s retried', deadlocks, failed, retried),
           deadlocks = 0 AND failed = 0 AND rc = 0
      FROM cell WHERE workload = 'hot' AND clients IN (16, 64) AND variant = 'place_order'
    UNION ALL
    SELECT 4 + po.clients, format('hot/%s: place_order >= 2.0x plpgsql', po.clients),
           round((po.tps / pl.tps)::numeric, 3)::text || 'x', po.tps >= 2.0 * pl.tps
      FROM cell po JOIN cell pl USING (workload, clients)
     WHERE workload = 'hot' AND po.clients IN (16, 64) AND po.variant = 'place_order' AND pl.variant = 'plpgsql'
       AND po.pool IS NULL AND pl.pool IS NULL
    UNION ALL
    SELECT 200 + pc.clients + coalesce(pc.pool, 0) + CASE pc.workload WHEN 'hot' THEN 0 ELSE 1000 END,
           format('%s/%s: place_order >= 0.9x %s/%s direct', pc.workload, pc.label, pc.workload, dc.clients),
           round((pc.orders_per_s / dc.orders_per_s)::numeric, 3)::text || 'x',
           pc.orders_per_s >= 0.9 * dc.orders_per_s
      FROM cell pc JOIN cell dc ON dc.workload = pc.workload AND dc.variant = pc.variant
                               AND dc.pool IS NULL AND dc.clients = pc.pool
     WHERE pc.variant = 'place_order' AND pc.pool IS NOT NULL
  ) t
HAVING count(*) > 0;

SELECT format(E'\n## Invariants at the end (seeded orders; every run was checked, then undone)\n\n%s orders, %s lines: %s\n',
              f[1], f[2],
              CASE WHEN f[4] = '0' AND f[5] = '0' AND f[6] = '0' AND f[7] = '0' THEN 'ok'
                   ELSE format('FAIL (stock %s, sold %s, totals %s, verify %s)', f[4], f[5], f[6], f[7]) END)
  FROM (SELECT string_to_array(:'final', ',') AS f) s;
