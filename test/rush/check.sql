-- foodorder rush test: after the rush, one row per check:
-- PASS or FAIL | what is checked | numbers.
-- psql variables: hot (true if dish 3 was hot), deadlocks_before.
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
\pset fieldsep '|'

-- Dish 3 stayed what the run made it: hot with 64 slots numbered 0..63,
-- its row's stock 0; or a plain dish with no slot.
SELECT CASE WHEN d.hot = :'hot'::boolean
             AND CASE WHEN d.hot THEN s.n = 64 AND s.first = 0 AND s.last = 63 AND d.stock = 0
                      ELSE s.n = 0 END
            THEN 'PASS' ELSE 'FAIL' END,
       CASE WHEN :'hot'::boolean THEN 'dish 3 is still hot, with its 64 slots'
            ELSE 'dish 3 is still a plain dish, with no slot' END,
       format('hot %s, %s slots (%s..%s), stock %s in its row', d.hot, s.n, s.first, s.last, d.stock)
  FROM foodorder.dish d,
       LATERAL (SELECT count(*) AS n, min(slot) AS first, max(slot) AS last
                  FROM foodorder.dish_slot WHERE dish_id = d.id) s
 WHERE d.id = 3;

-- Never oversold, nothing stranded: every portion put on sale (the first
-- stock and the restocks) was sold, exactly.
WITH put AS (
    SELECT (SELECT stock FROM rush.initial_stock WHERE dish_id = 3) AS first,
           (SELECT coalesce(sum(delta), 0) FROM foodorder.stock_change
             WHERE dish_id = 3 AND reason = 'restock') AS restocked
), live AS (
    SELECT coalesce(sum(i.quantity), 0) AS sold
      FROM foodorder.order_item i JOIN foodorder.orders o ON o.id = i.order_id
     WHERE i.dish_id = 3 AND o.status NOT IN ('cancelled', 'rejected')
)
SELECT CASE WHEN m.stock = 0 AND live.sold = put.first + put.restocked THEN 'PASS' ELSE 'FAIL' END,
       'the hot dish sold exactly its first stock and the restocks, and has 0 left',
       format('live order lines %s = first stock %s + restocked %s (%s restocks logged)? stock left %s',
              live.sold, put.first, put.restocked, (SELECT count(*) FROM rush.restock_log), m.stock)
  FROM put, live, foodorder.menu m WHERE m.id = 3;

SELECT CASE WHEN count(*) = 5 AND count(*) FILTER (WHERE m.stock + m.sold <> i.stock + r.restocked) = 0
            THEN 'PASS' ELSE 'FAIL' END,
       'stock + sold equals the stock put on sale, for every dish',
       format('%s dishes, %s off; hot dish: stock %s + sold %s = %s + %s restocked',
              count(*), count(*) FILTER (WHERE m.stock + m.sold <> i.stock + r.restocked),
              max(m.stock) FILTER (WHERE m.id = 3), max(m.sold) FILTER (WHERE m.id = 3),
              max(i.stock) FILTER (WHERE m.id = 3), max(r.restocked) FILTER (WHERE m.id = 3))
  FROM foodorder.menu m
  JOIN rush.initial_stock i ON i.dish_id = m.id,
       LATERAL (SELECT coalesce(sum(delta), 0) AS restocked FROM foodorder.stock_change c
                 WHERE c.dish_id = m.id AND c.reason = 'restock') r;

WITH live AS (
    SELECT m.id, m.sold,
           (SELECT coalesce(sum(l.quantity), 0)
              FROM foodorder.order_item l JOIN foodorder.orders o ON o.id = l.order_id
             WHERE l.dish_id = m.id AND o.status NOT IN ('cancelled', 'rejected')) AS in_lines
      FROM foodorder.menu m
)
SELECT CASE WHEN count(*) FILTER (WHERE sold <> in_lines) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'sold equals the live order lines of every dish',
       format('%s dishes off; %s portions sold, %s of the hot dish',
              count(*) FILTER (WHERE sold <> in_lines), sum(sold), max(sold) FILTER (WHERE id = 3))
  FROM live;

SELECT CASE WHEN (SELECT count(*) FROM foodorder.dish WHERE stock < 0) = 0
             AND (SELECT count(*) FROM foodorder.dish_slot WHERE stock < 0 OR sold < 0) = 0
            THEN 'PASS' ELSE 'FAIL' END,
       'no dish row and no slot has stock below zero',
       format('lowest dish row stock %s, lowest slot stock %s, %s slots',
              (SELECT min(stock) FROM foodorder.dish),
              coalesce((SELECT min(stock)::text FROM foodorder.dish_slot), 'none'),
              (SELECT count(*) FROM foodorder.dish_slot))
  FROM (SELECT 1) AS one;

-- Each cancel gave back its order's portions once.
WITH cancelled AS (
    SELECT coalesce(sum(i.quantity), 0) AS portions, count(DISTINCT o.id) AS orders
      FROM foodorder.order_item i JOIN foodorder.orders o ON o.id = i.order_id
     WHERE i.dish_id = 3 AND o.status = 'cancelled'
), given AS (
    SELECT coalesce(sum(delta), 0) AS portions FROM foodorder.stock_change
     WHERE dish_id = 3 AND reason = 'cancel'
)
SELECT CASE WHEN given.portions = cancelled.portions AND cancelled.orders > 0
             AND cancelled.orders = (SELECT count(*) FROM rush.cancel_log WHERE result)
            THEN 'PASS' ELSE 'FAIL' END,
       'cancels gave the hot dish''s portions back once each',
       format('%s orders cancelled (%s cancel calls returned true, %s false), %s portions in their lines, %s given back',
              cancelled.orders, (SELECT count(*) FROM rush.cancel_log WHERE result),
              (SELECT count(*) FROM rush.cancel_log WHERE NOT result),
              cancelled.portions, given.portions)
  FROM cancelled, given;

SELECT CASE WHEN count(r.at) = max(c.max_restocks) AND count(r.at) > 0 THEN 'PASS' ELSE 'FAIL' END,
       'the hot dish was restocked while orders ran',
       format('%s restocks of %s (of %s planned), at stock %s', count(r.at), max(c.restock),
              max(c.max_restocks), coalesce(string_agg(r.stock_before::text, ', ' ORDER BY r.at), 'none'))
  FROM rush.control c LEFT JOIN rush.restock_log r ON true;

-- Refusals: only of the hot dish, only while it had fewer portions than
-- asked, per the detail the whole-dish check wrote.
WITH r AS (
    SELECT phase, message,
           (regexp_match(detail, '^Not enough portions left: dish 3 has (\d+) left, (\d+) requested\.$'))::int[] AS n
      FROM rush.refusal
)
SELECT CASE WHEN count(*) > 0
             AND count(*) FILTER (WHERE message <> 'insufficient stock for dish 3' OR n IS NULL
                                     OR n[1] >= n[2]) = 0
            THEN 'PASS' ELSE 'FAIL' END,
       'every refusal was of the hot dish, with fewer portions left than requested',
       format('%s refusals (%s while cancels and restocks ran, %s after), %s odd; portions left at a refusal: %s',
              count(*), count(*) FILTER (WHERE phase = 1), count(*) FILTER (WHERE phase = 2),
              count(*) FILTER (WHERE message <> 'insufficient stock for dish 3' OR n IS NULL
                                  OR n[1] >= n[2]),
              (SELECT string_agg(format('%s left: %s', left_n, k), ', ' ORDER BY left_n)
                 FROM (SELECT n[1] AS left_n, count(*) AS k FROM r GROUP BY 1) g))
  FROM r;

-- After phase 1 no portion comes back, so the hot dish's stock only goes
-- down: a refusal of q portions is wrong if orders that started after it
-- was raised still got q or more portions of the hot dish between them.
WITH late AS (
    SELECT f.at, f.quantities[array_position(f.dishes, 3::bigint)] AS asked,
           (SELECT coalesce(sum(i.quantity), 0)
              FROM foodorder.orders o JOIN foodorder.order_item i ON i.order_id = o.id
             WHERE i.dish_id = 3 AND o.created_at > f.at) AS got_later
      FROM rush.refusal f WHERE f.phase = 2
)
SELECT CASE WHEN count(*) > 0 AND count(*) FILTER (WHERE got_later >= asked) = 0
            THEN 'PASS' ELSE 'FAIL' END,
       'no refusal after phase 1 while the portions were there',
       format('%s refusals after cancels and restocks stopped, %s followed by orders that got as many portions; most portions ordered after a refusal: %s',
              count(*), count(*) FILTER (WHERE got_later >= asked), coalesce(max(got_later), 0))
  FROM late;

SELECT CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'foodorder.verify() is empty',
       format('%s rows%s', count(*),
              coalesce(': ' || string_agg(invariant || ': ' || detail, '; '), ''))
  FROM foodorder.verify();

SELECT CASE WHEN deadlocks - :deadlocks_before = 0 THEN 'PASS' ELSE 'FAIL' END,
       'no deadlock',
       format('%s deadlocks', deadlocks - :deadlocks_before)
  FROM pg_stat_database WHERE datname = current_database();

-- Not a check: how fast the dish went, by the orders' own start times.
SELECT 'INFO', 'the rush',
       format('%s orders placed (%s cancelled later) in %s s between the first and the last: %s orders/s',
              count(*), count(*) FILTER (WHERE status = 'cancelled'),
              round(extract(epoch FROM max(created_at) - min(created_at))::numeric, 2),
              round(count(*) / nullif(extract(epoch FROM max(created_at) - min(created_at)), 0)::numeric))
  FROM foodorder.orders;
