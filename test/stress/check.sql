-- foodorder stress test: invariants after the run, one row per check:
-- PASS or FAIL | what is checked | numbers.
-- psql variables: processed (pgbench transactions), deadlocks_before.
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
\pset fieldsep '|'

WITH dish AS (
    SELECT d.id, d.stock, d.sold, i.stock AS initial,
           (SELECT coalesce(sum(l.quantity), 0) FROM foodorder.order_item l
             WHERE l.dish_id = d.id) AS in_lines
      FROM foodorder.dish d JOIN stress.initial_stock i ON i.dish_id = d.id
),
ord AS (
    SELECT o.id, o.total_count, o.total_cents,
           count(l.*) AS nlines,
           coalesce(sum(l.quantity), 0) AS line_count,
           coalesce(sum(l.quantity::bigint * l.price_cents), 0) AS line_cents,
           count(*) FILTER (WHERE l.dish_id = 1) AS hot_lines,
           count(*) FILTER (WHERE l.price_cents <> d.price_cents) AS wrong_prices
      FROM foodorder.orders o
      LEFT JOIN foodorder.order_item l ON l.order_id = o.id
      LEFT JOIN foodorder.dish d ON d.id = l.dish_id
     GROUP BY o.id
),
n AS (
    SELECT (SELECT count(*) FROM foodorder.orders) AS successes,
           (SELECT count(*) FROM stress.refusal) AS refusals,
           (SELECT deadlocks FROM pg_catalog.pg_stat_database
             WHERE datname = pg_catalog.current_database()) AS deadlocks
),
checks(n, ok, what, numbers) AS (
    SELECT 1, count(*) FILTER (WHERE stock + sold <> initial) = 0,
           'stock + sold = initial stock, every dish',
           count(*) FILTER (WHERE stock + sold <> initial) || ' of ' || count(*) || ' dishes off'
      FROM dish
    UNION ALL
    SELECT 2, count(*) FILTER (WHERE sold <> in_lines) = 0,
           'sold = portions in order lines, every dish',
           count(*) FILTER (WHERE sold <> in_lines) || ' dishes off'
      FROM dish
    UNION ALL
    SELECT 3, count(*) FILTER (WHERE stock < 0) = 0,
           'stock >= 0, every dish',
           'lowest stock ' || min(stock) || ', ' || count(*) FILTER (WHERE stock = 0) || ' dishes sold out'
      FROM dish
    UNION ALL
    SELECT 4, count(*) FILTER (WHERE total_count <> line_count OR total_cents <> line_cents) = 0,
           'order totals = sums of their lines',
           count(*) FILTER (WHERE total_count <> line_count OR total_cents <> line_cents) || ' of ' || count(*) || ' orders off'
      FROM ord
    UNION ALL
    SELECT 5, count(*) FILTER (WHERE hot_lines <> 1 OR nlines NOT BETWEEN 2 AND 4 OR wrong_prices > 0) = 0,
           'every order: hot dish line, 2-4 lines, prices of the menu',
           count(*) FILTER (WHERE hot_lines <> 1 OR nlines NOT BETWEEN 2 AND 4 OR wrong_prices > 0) || ' orders off'
      FROM ord
    UNION ALL
    SELECT 6, successes + refusals = :processed,
           'orders + refusals = pgbench transactions',
           successes || ' + ' || refusals || ' vs ' || :processed
      FROM n
    UNION ALL
    SELECT 7, successes > 0 AND refusals > 0,
           'some orders placed and some refused',
           successes || ' placed, ' || refusals || ' refused (' ||
           (SELECT count(*) FROM stress.refusal
             WHERE message = 'insufficient stock for dish 1') || ' on the hot dish)'
      FROM n
    UNION ALL
    SELECT 8, deadlocks = :deadlocks_before,
           'no deadlocks (pg_stat_database.deadlocks)',
           :deadlocks_before || ' before, ' || deadlocks || ' after'
      FROM n
)
SELECT CASE WHEN ok THEN 'PASS' ELSE 'FAIL' END, what, numbers FROM checks ORDER BY n;
