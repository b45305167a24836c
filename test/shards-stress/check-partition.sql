-- foodorder stress test over shards: one partition database's books after
-- the run, read on the partition directly (not through the router).  One
-- row per check: PASS or FAIL | what is checked | numbers.
-- psql variables: p (this partition's number), initial (the stock each
-- dish of this partition was put on sale with, as a VALUES list
-- "(id, stock), ..."), hot (the hot dish's id, 0 if none is here).
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
\pset fieldsep '|'

WITH initial (id, stock) AS (VALUES :initial),
dish AS (
    SELECT m.id, m.stock, m.sold, m.hot, i.stock AS initial,
           (SELECT coalesce(sum(l.quantity), 0)
              FROM foodorder.order_item l JOIN foodorder.orders o ON o.id = l.order_id
             WHERE l.dish_id = m.id AND o.status NOT IN ('cancelled', 'rejected')) AS in_lines
      FROM foodorder.menu m FULL JOIN initial i ON i.id = m.id
),
ord AS (
    SELECT o.id, o.status, o.restaurant_id, o.total_count, o.total_cents, o.delivery_fee_cents,
           count(l.*) AS nlines,
           coalesce(sum(l.quantity), 0) AS line_count,
           coalesce(sum(l.quantity::bigint * l.price_cents), 0) AS line_cents,
           count(*) FILTER (WHERE d.restaurant_id IS DISTINCT FROM o.restaurant_id) AS foreign_lines
      FROM foodorder.orders o
      LEFT JOIN foodorder.order_item l ON l.order_id = o.id
      LEFT JOIN foodorder.dish d ON d.id = l.dish_id
     GROUP BY o.id
),
ids (what, id) AS (
    SELECT 'restaurant', id FROM foodorder.restaurant
    UNION ALL SELECT 'dish', id FROM foodorder.dish
    UNION ALL SELECT 'order', id FROM foodorder.orders
    UNION ALL SELECT 'order line', order_id FROM foodorder.order_item
    UNION ALL SELECT 'status change', id FROM foodorder.status_change
    UNION ALL SELECT 'stock change', id FROM foodorder.stock_change
),
checks (n, ok, what, numbers) AS (
    SELECT 1, count(*) = 0, 'foodorder.verify() is empty',
           count(*) || ' rows' || coalesce(': ' || min(invariant || ': ' || detail), '')
      FROM foodorder.verify()
    UNION ALL
    SELECT 2, count(*) FILTER (WHERE id % 1024 <> :p) = 0,
           'every restaurant, dish, order, line, status and stock change id % 1024 is the partition',
           count(*) FILTER (WHERE id % 1024 <> :p) || ' of ' || count(*) || ' ids elsewhere' ||
           coalesce(' (' || string_agg(DISTINCT what, ', ') FILTER (WHERE id % 1024 <> :p) || ')', '')
      FROM ids
    UNION ALL
    SELECT 3, count(*) FILTER (WHERE stock < 0) = 0
              AND (SELECT count(*) FROM foodorder.dish WHERE stock < 0) = 0
              AND (SELECT count(*) FROM foodorder.dish_slot WHERE stock < 0 OR sold < 0) = 0,
           'no stock below zero (dishes, hot dish slots)',
           'lowest ' || min(stock) || ', ' || count(*) FILTER (WHERE stock = 0) || ' of ' ||
           count(*) || ' dishes sold out, ' || (SELECT count(*) FROM foodorder.dish_slot) || ' slots'
      FROM dish
    UNION ALL
    SELECT 4, count(*) FILTER (WHERE sold IS DISTINCT FROM in_lines) = 0,
           'sold = portions in lines of live orders, every dish',
           count(*) FILTER (WHERE sold IS DISTINCT FROM in_lines) || ' dishes off; ' ||
           coalesce(sum(sold), 0) || ' portions sold'
      FROM dish
    UNION ALL
    SELECT 5, count(*) > 0 AND count(*) FILTER (WHERE stock + sold IS DISTINCT FROM initial) = 0,
           'stock + sold = stock put on sale, every dish (and the same dishes)',
           count(*) FILTER (WHERE stock + sold IS DISTINCT FROM initial) || ' of ' || count(*) || ' dishes off'
      FROM dish
    UNION ALL
    SELECT 6, count(*) FILTER (WHERE total_count <> line_count
                                  OR total_cents <> line_cents + delivery_fee_cents
                                  OR nlines NOT BETWEEN 1 AND 3 OR foreign_lines > 0) = 0,
           'orders: totals = sums of their lines, 1-3 lines, all of the order''s restaurant',
           count(*) FILTER (WHERE total_count <> line_count
                               OR total_cents <> line_cents + delivery_fee_cents
                               OR nlines NOT BETWEEN 1 AND 3 OR foreign_lines > 0)
           || ' of ' || count(*) || ' orders off'
      FROM ord
    UNION ALL
    SELECT 7, (SELECT count(*) FROM foodorder.stock_change WHERE reason = 'cancel')
              = (SELECT count(*) FROM foodorder.order_item l JOIN foodorder.orders o ON o.id = l.order_id
                  WHERE o.status = 'cancelled')
              AND (SELECT coalesce(sum(delta), 0) FROM foodorder.stock_change WHERE reason = 'cancel')
              = (SELECT coalesce(sum(quantity), 0) FROM foodorder.order_item l
                   JOIN foodorder.orders o ON o.id = l.order_id WHERE o.status = 'cancelled')
              AND (SELECT count(*) FROM foodorder.status_change WHERE field = 'status')
              = (SELECT count(*) FROM foodorder.orders WHERE status = 'cancelled')
              AND (SELECT count(*) FROM foodorder.orders WHERE status NOT IN ('placed', 'cancelled')) = 0,
           'cancels: each cancelled order''s lines given back once, one status change each',
           (SELECT count(*) FROM foodorder.orders WHERE status = 'cancelled') || ' cancelled, ' ||
           (SELECT coalesce(sum(delta), 0) FROM foodorder.stock_change WHERE reason = 'cancel') ||
           ' portions given back in ' ||
           (SELECT count(*) FROM foodorder.stock_change WHERE reason = 'cancel') || ' rows, ' ||
           (SELECT count(*) FROM foodorder.status_change WHERE field = 'status') || ' status changes'
    UNION ALL
    SELECT 8, :hot = 0 OR (bool_and(hot) AND (SELECT count(*) FROM foodorder.dish_slot
                                               WHERE dish_id = :hot) > 0),
           'the hot dish (set_hot) is still hot, with its slots',
           CASE WHEN :hot = 0 THEN 'none here'
                ELSE format('dish %s: hot %s, %s slots, %s sold, %s left', :hot, bool_and(hot),
                            (SELECT count(*) FROM foodorder.dish_slot WHERE dish_id = :hot),
                            sum(sold), sum(stock)) END
      FROM dish WHERE id = :hot
)
SELECT CASE WHEN ok THEN 'PASS' ELSE 'FAIL' END, what, numbers FROM checks ORDER BY n;
