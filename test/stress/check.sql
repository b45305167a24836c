-- foodorder stress test: invariants after the run, one row per check:
-- PASS or FAIL | what is checked | numbers.
-- psql variables: processed (pgbench transactions), deadlocks_before.
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
\pset fieldsep '|'

WITH dish AS (
    SELECT d.id, d.stock, d.sold, i.stock AS initial,
           (SELECT coalesce(sum(l.quantity), 0)
              FROM foodorder.order_item l JOIN foodorder.orders o ON o.id = l.order_id
             WHERE l.dish_id = d.id AND o.status NOT IN ('cancelled', 'rejected')) AS in_lines
      FROM foodorder.menu d JOIN stress.initial_stock i ON i.dish_id = d.id
),
ord AS (
    SELECT o.id, o.status, o.total_count, o.total_cents,
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
-- what each successful call did, by the order it named
done AS (
    SELECT order_id, action FROM stress.lifecycle WHERE outcome = 'true'
),
-- the stock_change row each line of a called-off order must have, and the
-- rows there are; the expiry's orders are the rejected ones reject_order()
-- did not reject
owed AS (
    SELECT l.order_id, l.dish_id, l.quantity,
           CASE WHEN o.status = 'cancelled' THEN 'cancel'
                WHEN EXISTS (SELECT FROM done
                              WHERE done.order_id = o.id AND done.action = 'reject') THEN 'reject'
                ELSE 'expire' END AS reason
      FROM foodorder.order_item l JOIN foodorder.orders o ON o.id = l.order_id
     WHERE o.status IN ('cancelled', 'rejected')
),
given AS (
    SELECT order_id, dish_id, delta AS quantity, reason
      FROM foodorder.stock_change
),
-- each order's status history, oldest first
history AS (
    SELECT o.id, o.status,
           coalesce(string_agg(c.from_value || '>' || c.to_value, ' ' ORDER BY c.id), '') AS chain
      FROM foodorder.orders o
      LEFT JOIN foodorder.status_change c ON c.order_id = o.id AND c.field = 'status'
     GROUP BY o.id
),
n AS (
    SELECT (SELECT count(*) FROM foodorder.orders) AS successes,
           (SELECT count(*) FROM stress.refusal) AS refusals,
           (SELECT count(*) FROM stress.lifecycle) AS changes,
           (SELECT count(*) FROM stress.expiry) AS expiry_runs,
           (SELECT coalesce(sum(expired), 0) FROM stress.expiry) AS expired,
           (SELECT count(*) FROM foodorder.orders WHERE status = 'cancelled') AS cancelled,
           (SELECT count(*) FROM foodorder.orders WHERE status = 'rejected') AS rejected,
           (SELECT count(*) FROM foodorder.status_change WHERE to_value = 'accepted') AS accepted,
           (SELECT count(*) FROM done WHERE action = 'cancel') AS cancel_calls,
           (SELECT count(*) FROM done WHERE action = 'reject') AS reject_calls,
           (SELECT count(*) FROM done WHERE action = 'accept') AS accept_calls,
           (SELECT count(*) - count(DISTINCT order_id) FROM done
             WHERE action IN ('cancel', 'reject')) AS ended_twice,
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
           'sold = portions in lines of live orders, every dish',
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
    SELECT 6, successes + refusals + changes + expiry_runs = :processed,
           'orders + refusals + changes + expiry runs = pgbench transactions',
           successes || ' + ' || refusals || ' + ' || changes || ' + ' || expiry_runs || ' vs ' || :processed
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
    UNION ALL
    SELECT 9, count(*) = 0,
           'foodorder.verify() finds nothing',
           count(*) || ' rows' || coalesce(': ' || min(invariant || ': ' || detail), '')
      FROM foodorder.verify()
    UNION ALL
    SELECT 10, coalesce(sum(g.quantity) FILTER (WHERE g.reason = 'cancel'), 0)
                 = (SELECT coalesce(sum(quantity), 0) FROM owed WHERE reason = 'cancel')
           AND coalesce(sum(g.quantity) FILTER (WHERE g.reason IN ('reject', 'expire')), 0)
                 = (SELECT coalesce(sum(quantity), 0) FROM owed WHERE reason IN ('reject', 'expire')),
           'portions given back = lines of cancelled, of rejected orders',
           'cancel ' || coalesce(sum(g.quantity) FILTER (WHERE g.reason = 'cancel'), 0) || ' vs ' ||
           (SELECT coalesce(sum(quantity), 0) FROM owed WHERE reason = 'cancel') ||
           ', reject + expire ' || coalesce(sum(g.quantity) FILTER (WHERE g.reason IN ('reject', 'expire')), 0) ||
           ' vs ' || (SELECT coalesce(sum(quantity), 0) FROM owed WHERE reason IN ('reject', 'expire'))
      FROM given g
    UNION ALL
    SELECT 11, count(*) = 0,
           'one stock_change row per line of a called-off order, with its reason',
           count(*) FILTER (WHERE o.order_id IS NULL) || ' rows for no such line, ' ||
           count(*) FILTER (WHERE g.order_id IS NULL) || ' lines without their row (of ' ||
           (SELECT count(*) FROM given) || ' rows)'
      FROM owed o FULL JOIN given g USING (order_id, dish_id, quantity, reason)
     WHERE o.order_id IS NULL OR g.order_id IS NULL
    UNION ALL
    SELECT 12, count(*) FILTER (WHERE chain <> CASE status
                   WHEN 'placed' THEN ''
                   WHEN 'accepted' THEN 'placed>accepted'
                   WHEN 'rejected' THEN 'placed>rejected'
                   WHEN 'cancelled' THEN
                       CASE WHEN chain LIKE 'placed>accepted %' THEN 'placed>accepted accepted>cancelled'
                            ELSE 'placed>cancelled' END
                   END) = 0,
           'status_change: one row per change, from placed to the status',
           count(*) FILTER (WHERE chain <> CASE status
                   WHEN 'placed' THEN ''
                   WHEN 'accepted' THEN 'placed>accepted'
                   WHEN 'rejected' THEN 'placed>rejected'
                   WHEN 'cancelled' THEN
                       CASE WHEN chain LIKE 'placed>accepted %' THEN 'placed>accepted accepted>cancelled'
                            ELSE 'placed>cancelled' END
                   END) || ' of ' || count(*) || ' orders off'
      FROM history
    UNION ALL
    SELECT 13, cancel_calls = cancelled AND reject_calls + expired = rejected
           AND accept_calls = accepted AND ended_twice = 0,
           'calls that returned true = orders they changed',
           cancel_calls || ' cancels for ' || cancelled || ' cancelled, ' ||
           reject_calls || ' rejects + ' || expired || ' expired for ' || rejected || ' rejected, ' ||
           accept_calls || ' accepts for ' || accepted || ' accepted, ' ||
           ended_twice || ' orders ended twice'
      FROM n
    UNION ALL
    SELECT 14, cancel_calls > 0 AND reject_calls > 0 AND accept_calls > 0 AND expired > 0,
           'orders cancelled, rejected, accepted and expired meanwhile',
           (SELECT string_agg(action || ' ' || outcome || ' ' || k, ', ' ORDER BY action, outcome)
              FROM (SELECT action, outcome, count(*) AS k FROM stress.lifecycle
                     GROUP BY 1, 2) AS x) ||
           ', ' || expiry_runs || ' expiry runs'
      FROM n
    UNION ALL
    SELECT 15, ordered > initial AND refused > 0,
           'the hot dish sold out and portions given back were ordered again',
           ordered || ' portions ordered of ' || initial || ' put on sale, ' ||
           refused || ' orders refused for want of it'
      FROM (SELECT (SELECT sum(quantity) FROM foodorder.order_item WHERE dish_id = 1) AS ordered,
                   (SELECT stock FROM stress.initial_stock WHERE dish_id = 1) AS initial,
                   (SELECT count(*) FROM stress.refusal
                     WHERE message = 'insufficient stock for dish 1') AS refused) AS hot
)
SELECT CASE WHEN ok THEN 'PASS' ELSE 'FAIL' END, what, numbers FROM checks ORDER BY n;
