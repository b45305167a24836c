-- Markdown report from bench.result (one row per pgbench run) and
-- bench.flash_result (one row per flash sale run); bench/run passes :final,
-- the end-of-benchmark invariant check as
-- "orders,lines,giveups,bad_stock,bad_sold,bad_totals,bad_verify",
-- :durability and :variants (the variants asked for).
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
       array_position(ARRAY['place_order', 'place_order_1_1', 'plpgsql', 'single_sql',
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
       || E'Workloads: hot = dish 1 (made hot with foodorder.set_hot) plus a random other dish;\n'
       || E'hot_row = the same orders, dish 1 not hot (every order of it locks its row, as in 1.1);\n'
       || E'spread = two random distinct dishes.  place_order_1_1 = the same call through the\n'
       || E'library\'s 1.1 entry point.  With dish 1 hot only place_order runs (n/a: the other\n'
       || E'variants read dish 1\'s row, which then holds no stock).\n'
  FROM cell;

-- Cells not run: variants asked for that the hot workload skips.
CREATE TEMP VIEW skipped AS
SELECT DISTINCT h.workload, h.clients, h.pool, h.label, v.variant,
       array_position(ARRAY['place_order', 'place_order_1_1', 'plpgsql', 'single_sql',
                            'pessimistic', 'optimistic'], v.variant) AS vorder
  FROM cell h, unnest(string_to_array(:'variants', ' ')) AS v(variant)
 WHERE h.workload = 'hot' AND v.variant <> ''
   AND NOT EXISTS (SELECT FROM cell x WHERE x.workload = h.workload AND x.clients = h.clients
                      AND x.pool IS NOT DISTINCT FROM h.pool AND x.variant = v.variant);

SELECT format(E'\n## %s\n\n', workload)
       || E'| variant | clients | tps | avg latency ms | p50 ms | p99 ms | orders/s | failed | retried (txns / retries) | deadlocks | give-ups | invariants |\n'
       || E'|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
       || string_agg(CASE WHEN runs = 0
                     THEN format('| %s | %s | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a (not run: dish 1 is hot) |',
                                 variant, label)
                     ELSE format('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |',
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
                              || CASE WHEN rc <> 0 THEN format(', pgbench exit %s', rc) ELSE '' END) END,
                     E'\n' ORDER BY vorder, clients, pool NULLS FIRST)
  FROM (SELECT * FROM cell
        UNION ALL
        SELECT s.workload, s.clients, s.pool, s.variant, 0, s.label,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, s.vorder
          FROM skipped s) c
 GROUP BY workload
 ORDER BY array_position(ARRAY['hot', 'hot_row', 'spread'], workload);

SELECT E'\n## place_order tps ratios\n\n'
       || E'| workload | clients | place_order | place_order_1_1 | plpgsql | single_sql | place_order / place_order_1_1 | place_order / plpgsql | place_order / single_sql |\n'
       || E'|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
       || string_agg(format('| %s | %s | %s | %s | %s | %s | %s | %s | %s |', workload, label,
                            round(po::numeric), coalesce(round(p11::numeric)::text, na),
                            coalesce(round(pl::numeric)::text, na),
                            coalesce(round(ss::numeric)::text, na),
                            coalesce(round((po / nullif(p11, 0))::numeric, 2)::text, na),
                            coalesce(round((po / nullif(pl, 0))::numeric, 2)::text, na),
                            coalesce(round((po / nullif(ss, 0))::numeric, 2)::text, na)),
                     E'\n' ORDER BY array_position(ARRAY['hot', 'hot_row', 'spread'], workload), clients, pool NULLS FIRST)
  FROM (SELECT workload, clients, pool, min(label) AS label,
               CASE WHEN workload = 'hot' THEN 'n/a' ELSE '-' END AS na,
               max(tps) FILTER (WHERE variant = 'place_order') AS po,
               max(tps) FILTER (WHERE variant = 'place_order_1_1') AS p11,
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
                     E'\n' ORDER BY array_position(ARRAY['hot', 'hot_row', 'spread'], pc.workload), pc.vorder,
                                 pc.clients, pc.pool)
  FROM cell pc
  LEFT JOIN cell dc ON dc.workload = pc.workload AND dc.variant = pc.variant
                   AND dc.pool IS NULL AND dc.clients = pc.pool
 WHERE pc.pool IS NOT NULL
HAVING count(*) > 0;

-- orders/s with "(p50 / p99 ms)", and a ratio
CREATE FUNCTION pg_temp.ops(o float8, p50 float8, p99 float8) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(round(o::numeric)::text
                    || coalesce(format(' (%s / %s)', round(p50::numeric, 2), round(p99::numeric, 2)), ''),
                    '-')
$$;
CREATE FUNCTION pg_temp.ratio(a float8, b float8) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(round((a / nullif(b, 0))::numeric, 2)::text || 'x', '-')
$$;

-- Issue 9, hot dishes at full speed: place_order's orders/s with dish 1 hot,
-- with dish 1 not hot, and spread (1.2 and 1.1's entry point), direct cells.
CREATE TEMP VIEW hot_dishes AS
SELECT c.clients, h.orders_per_s AS hot, h.p50_ms AS hot_p50, h.p99_ms AS hot_p99,
       r.orders_per_s AS hot_row, r.p50_ms AS row_p50, r.p99_ms AS row_p99,
       s.orders_per_s AS spread, s.p50_ms AS spread_p50, s.p99_ms AS spread_p99,
       o.orders_per_s AS spread_1_1, o.p50_ms AS old_p50, o.p99_ms AS old_p99
  FROM (SELECT DISTINCT clients FROM cell WHERE pool IS NULL) c
  LEFT JOIN cell h ON h.clients = c.clients AND h.pool IS NULL
                  AND h.workload = 'hot' AND h.variant = 'place_order'
  LEFT JOIN cell r ON r.clients = c.clients AND r.pool IS NULL
                  AND r.workload = 'hot_row' AND r.variant = 'place_order'
  LEFT JOIN cell s ON s.clients = c.clients AND s.pool IS NULL
                  AND s.workload = 'spread' AND s.variant = 'place_order'
  LEFT JOIN cell o ON o.clients = c.clients AND o.pool IS NULL
                  AND o.workload = 'spread' AND o.variant = 'place_order_1_1';

SELECT format(E'\n## Hot dishes (durability %s)\n\n', :'durability')
       || E'place_order orders/s (p50 / p99 ms); hot = dish 1 hot, hot_row = the same orders with\n'
       || E'dish 1 not hot, spread 1.1 = place_order_1_1 (1.1\'s code path).\n\n'
       || E'| clients | hot | hot_row | spread | spread 1.1 | hot / spread | hot / hot_row | spread 1.2 / 1.1 |\n'
       || E'|---:|---:|---:|---:|---:|---:|---:|---:|\n'
       || string_agg(format('| %s | %s | %s | %s | %s | %s | %s | %s |', clients,
                            pg_temp.ops(hot, hot_p50, hot_p99), pg_temp.ops(hot_row, row_p50, row_p99),
                            pg_temp.ops(spread, spread_p50, spread_p99),
                            pg_temp.ops(spread_1_1, old_p50, old_p99),
                            pg_temp.ratio(hot, spread), pg_temp.ratio(hot, hot_row),
                            pg_temp.ratio(spread, spread_1_1)),
                     E'\n' ORDER BY clients)
  FROM hot_dishes
 WHERE coalesce(hot, hot_row, spread, spread_1_1) IS NOT NULL
HAVING count(*) > 0;

-- The targets the project set for place_order (issue 9's with hot dishes).
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
    SELECT 3 + clients + CASE workload WHEN 'hot' THEN 0 ELSE 1 END,
           format('%s/%s: place_order no deadlocks, no failures', workload, label),
           format('%s deadlocks, %s failed, %s retried', deadlocks, failed, retried),
           deadlocks = 0 AND failed = 0 AND rc = 0
      FROM cell WHERE workload IN ('hot', 'hot_row') AND clients IN (16, 64) AND variant = 'place_order'
    UNION ALL
    SELECT 5 + po.clients, format('hot_row/%s: place_order >= 2.0x plpgsql', po.clients),
           round((po.tps / pl.tps)::numeric, 3)::text || 'x', po.tps >= 2.0 * pl.tps
      FROM cell po JOIN cell pl USING (workload, clients)
     WHERE workload = 'hot_row' AND po.clients IN (16, 64) AND po.variant = 'place_order' AND pl.variant = 'plpgsql'
       AND po.pool IS NULL AND pl.pool IS NULL
    UNION ALL
    SELECT 100 + clients, format('hot/%s: hot >= 0.9x spread (orders/s)', clients),
           pg_temp.ratio(hot, spread), hot >= 0.9 * spread
      FROM hot_dishes WHERE clients IN (16, 64) AND hot IS NOT NULL AND spread IS NOT NULL
    UNION ALL
    SELECT 101 + clients,
           format('hot/%s: hot >= %sx hot_row (orders/s; sync%s)', clients,
                  CASE clients WHEN 16 THEN 3 ELSE 5 END,
                  CASE WHEN :'durability' <> 'sync' THEN format(', measured %s', :'durability') ELSE '' END),
           pg_temp.ratio(hot, hot_row), hot >= CASE clients WHEN 16 THEN 3 ELSE 5 END * hot_row
      FROM hot_dishes WHERE clients IN (16, 64) AND hot IS NOT NULL AND hot_row IS NOT NULL
    UNION ALL
    SELECT 102 + clients, format('spread/%s: place_order (1.2) >= 0.95x place_order_1_1 (orders/s)', clients),
           pg_temp.ratio(spread, spread_1_1), spread >= 0.95 * spread_1_1
      FROM hot_dishes WHERE spread IS NOT NULL AND spread_1_1 IS NOT NULL
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

-- The flash sale: one row per dish mode, medians over rounds; a check
-- failing in any round shows.
SELECT format(E'\n## Flash sale (durability %s)\n\n', :'durability')
       || E'A fresh dish of N portions, every order of it alone, 1 to 3 portions, by the given\n'
       || E'clients until sold out, once per mode: hot dish, plain row, or warm.  Time to sell out:\n'
       || E'first order\'s start (warm: the opening) to the last order\'s end; p50 / p99 over the orders placed; refusals = OR001 while\n'
       || E'portions were left (fewer than asked; "wrong" = the stock left covered the order);\n'
       || E'final stock = portions stranded; lines = portions in the order lines.\n'
       || E'warm = a hot dish sold to clients that each made a call before the sale opened (the dish\n'
       || E'put on sale once all wait; the sale runs from that moment); hot and row: every client\n'
       || E'starts its backend at the opening.  first order = the start to the first order\'s end;\n'
       || E'in 0.1 s = orders ended in the first 0.1 s; tail / middle = orders/s of the last tenth of\n'
       || E'the orders (by their end) over that of the middle 80%.'
       || CASE WHEN max(runs) > 1 THEN format(E'  Medians of %s rounds; counts are sums, checks over all rounds.', max(runs)) ELSE '' END
       || E'\n\n| dish | portions | clients | time to sell out s | orders | orders/s | p50 ms | p99 ms | first order ms | in 0.1 s | tail / middle | refusals (wrong) | final stock | lines | deadlocks | verify() | clients ended on sold out | check |\n'
       || E'|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
       || string_agg(format('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s |',
                            mode, portions, clients, round(sellout_s::numeric, 2), round(orders::numeric),
                            round(orders_per_s::numeric), round(p50_ms::numeric, 2), round(p99_ms::numeric, 2),
                            round(first_order_ms::numeric), round(first_100ms::numeric),
                            coalesce(round(tail_ratio::numeric, 2)::text, '-'),
                            refusals, wrong_refusals, final_stock, lines, deadlocks,
                            CASE WHEN bad_verify = 0 THEN 'empty' ELSE bad_verify || ' rows' END,
                            ended || ' / ' || clients * runs,
                            CASE WHEN ok THEN 'ok' ELSE '**FAIL**' END),
                     E'\n' ORDER BY array_position(ARRAY['hot', 'warm', 'row'], mode))
       || coalesce(E'\n\nTime to sell out, hot / row: '
                   || round((max(sellout_s) FILTER (WHERE mode = 'hot')
                             / nullif(max(sellout_s) FILTER (WHERE mode = 'row'), 0))::numeric, 2)
                   || 'x; orders/s, hot / row: '
                   || round((max(orders_per_s) FILTER (WHERE mode = 'hot')
                             / nullif(max(orders_per_s) FILTER (WHERE mode = 'row'), 0))::numeric, 2)
                   || 'x.', '')
       || coalesce(E'\n\nWarm against cold (hot dish): orders/s '
                   || round((max(orders_per_s) FILTER (WHERE mode = 'warm')
                             / nullif(max(orders_per_s) FILTER (WHERE mode = 'hot'), 0))::numeric, 2)
                   || 'x, p99 ' || round((max(p99_ms) FILTER (WHERE mode = 'warm')
                             / nullif(max(p99_ms) FILTER (WHERE mode = 'hot'), 0))::numeric, 2)
                   || 'x, time to sell out ' || round((max(sellout_s) FILTER (WHERE mode = 'warm')
                             / nullif(max(sellout_s) FILTER (WHERE mode = 'hot'), 0))::numeric, 2) || 'x.', '')
       || E'\n'
  FROM (SELECT mode, portions, clients, count(*) AS runs,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY sellout_s) AS sellout_s,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY orders) AS orders,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY orders_per_s) AS orders_per_s,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY p50_ms) AS p50_ms,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY p99_ms) AS p99_ms,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY first_order_ms) AS first_order_ms,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY first_100ms_orders) AS first_100ms,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY last_tenth_per_s / nullif(mid_per_s, 0)) AS tail_ratio,
               sum(refusals) AS refusals, sum(wrong_refusals) AS wrong_refusals,
               max(final_stock) AS final_stock,
               CASE WHEN bool_and(lines = portions) THEN (portions * count(*) / count(*))::text || ' = portions'
                    ELSE string_agg(lines::text, ', ') || ' (not all = portions)' END AS lines,
               sum(pg_deadlocks) AS deadlocks, sum(bad_verify) AS bad_verify,
               sum(ended_sold_out) AS ended,
               bool_and(final_stock = 0 AND lines = portions AND wrong_refusals = 0
                        AND pg_deadlocks = 0 AND bad_verify = 0 AND bad_invariants = 0
                        AND logged_orders = orders AND ended_sold_out = clients) AS ok
          FROM bench.flash_result GROUP BY mode, portions, clients) f
HAVING count(*) > 0;

-- Issue 19's targets for the warm sale, against the cells of this run with
-- as many clients (medians).
SELECT E'\n## Flash sale targets (warm)\n\n| target | measured | met |\n|---|---|---|\n'
       || string_agg(format('| %s | %s | %s |', target, measured,
                            CASE WHEN met THEN 'yes' WHEN met IS NULL THEN '-' ELSE '**no**' END),
                     E'\n' ORDER BY n)
       || E'\n'
  FROM (
    SELECT 1 AS n, format('warm: orders/s >= 0.9x hot/%s', w.clients) AS target,
           pg_temp.ratio(w.ops, h.hot) AS measured, w.ops >= 0.9 * h.hot AS met
      FROM (SELECT clients, percentile_cont(0.5) WITHIN GROUP (ORDER BY orders_per_s) AS ops
              FROM bench.flash_result WHERE mode = 'warm' GROUP BY clients) w
      JOIN hot_dishes h ON h.clients = w.clients AND h.hot IS NOT NULL
    UNION ALL
    SELECT 2, format('warm: p99 <= 2x spread/%s p99', w.clients),
           format('%s ms against %s ms: %s', round(w.p99::numeric, 1), round(h.spread_p99::numeric, 1),
                  pg_temp.ratio(w.p99, h.spread_p99)),
           w.p99 <= 2 * h.spread_p99
      FROM (SELECT clients, percentile_cont(0.5) WITHIN GROUP (ORDER BY p99_ms) AS p99
              FROM bench.flash_result WHERE mode = 'warm' GROUP BY clients) w
      JOIN hot_dishes h ON h.clients = w.clients AND h.spread_p99 IS NOT NULL
    UNION ALL
    SELECT 3, 'warm: last tenth >= 0.8x the middle''s pace',
           pg_temp.ratio(percentile_cont(0.5) WITHIN GROUP (ORDER BY last_tenth_per_s / nullif(mid_per_s, 0)), 1)
             || format(' (rounds: %s)', string_agg(round(last_tenth_per_s / nullif(mid_per_s, 0), 2)::text, ', ' ORDER BY rep)),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY last_tenth_per_s / nullif(mid_per_s, 0)) >= 0.8
      FROM bench.flash_result WHERE mode = 'warm'
    HAVING count(*) > 0
  ) t
HAVING count(*) > 0;

SELECT format(E'\n## Invariants at the end (seeded orders; every run was checked, then undone)\n\n%s orders, %s lines: %s\n',
              f[1], f[2],
              CASE WHEN f[4] = '0' AND f[5] = '0' AND f[6] = '0' AND f[7] = '0' THEN 'ok'
                   ELSE format('FAIL (stock %s, sold %s, totals %s, verify %s)', f[4], f[5], f[6], f[7]) END)
  FROM (SELECT string_to_array(:'final', ',') AS f) s;
