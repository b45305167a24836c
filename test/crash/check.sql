-- foodorder crash test: after crash recovery, one row per check:
-- PASS or FAIL | what is checked | numbers.
-- Before this file runs, the caller loads what the clients saw
-- acknowledged into temporary tables ack_order (id, kind, dishes,
-- quantities) and ack_cancel (id, result).
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
\pset fieldsep '|'

WITH seen AS (
    SELECT a.id, a.dishes, a.quantities,
           EXISTS (SELECT FROM foodorder.orders o WHERE o.id = a.id) AS present,
           (SELECT array_agg(i.dish_id ORDER BY i.dish_id)
              FROM foodorder.order_item i WHERE i.order_id = a.id) AS got_dishes,
           (SELECT array_agg(i.quantity ORDER BY i.dish_id)
              FROM foodorder.order_item i WHERE i.order_id = a.id) AS got_quantities
      FROM ack_order a
)
SELECT CASE WHEN count(*) > 0 AND count(*) FILTER (WHERE NOT present) = 0
             AND count(*) FILTER (WHERE got_dishes IS DISTINCT FROM dishes
                                     OR got_quantities IS DISTINCT FROM quantities) = 0
            THEN 'PASS' ELSE 'FAIL' END,
       'every acknowledged order survived with its lines',
       format('%s acknowledged (%s cart), %s missing, %s with other lines; %s orders in the database',
              count(*), (SELECT count(*) FROM ack_order WHERE kind = 'cart'),
              count(*) FILTER (WHERE NOT present),
              count(*) FILTER (WHERE present AND (got_dishes IS DISTINCT FROM dishes
                                                  OR got_quantities IS DISTINCT FROM quantities)),
              (SELECT count(*) FROM foodorder.orders))
  FROM seen;

SELECT CASE WHEN count(*) > 0 AND count(*) FILTER (WHERE o.status IS DISTINCT FROM 'cancelled') = 0
            THEN 'PASS' ELSE 'FAIL' END,
       'every acknowledged cancel survived',
       format('%s acknowledged, %s not cancelled; %s cancelled orders in the database',
              count(*), count(*) FILTER (WHERE o.status IS DISTINCT FROM 'cancelled'),
              (SELECT count(*) FROM foodorder.orders WHERE status = 'cancelled'))
  FROM ack_cancel c LEFT JOIN foodorder.orders o ON o.id = c.id;

-- Stock and sold as foodorder.menu shows them: a hot dish's row and its
-- slots added up.
SELECT CASE WHEN count(*) = 20 AND count(*) FILTER (WHERE d.stock + d.sold <> i.stock) = 0
            THEN 'PASS' ELSE 'FAIL' END,
       'stock + sold equals the initial stock of every dish',
       format('%s dishes, %s off; hot dish: stock %s + sold %s = %s; scarce dish 20: stock %s',
              count(*), count(*) FILTER (WHERE d.stock + d.sold <> i.stock),
              max(d.stock) FILTER (WHERE d.id = 1), max(d.sold) FILTER (WHERE d.id = 1),
              max(i.stock) FILTER (WHERE d.id = 1), max(d.stock) FILTER (WHERE d.id = 20))
  FROM foodorder.menu d JOIN crash.initial_stock i ON i.dish_id = d.id;

WITH live AS (
    SELECT d.id, d.sold,
           (SELECT coalesce(sum(l.quantity), 0)
              FROM foodorder.order_item l JOIN foodorder.orders o ON o.id = l.order_id
             WHERE l.dish_id = d.id AND o.status NOT IN ('cancelled', 'rejected')) AS in_lines
      FROM foodorder.menu d
)
SELECT CASE WHEN count(*) FILTER (WHERE sold <> in_lines) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'sold equals the live order lines of every dish',
       format('%s dishes off; %s portions sold', count(*) FILTER (WHERE sold <> in_lines), sum(sold))
  FROM live;

-- Dish 1 is still hot after recovery: its 64 slots numbered 0..63, none
-- below zero, its row's stock 0; and no other dish has a slot.
SELECT CASE WHEN d.hot AND d.stock = 0 AND s.n = 64 AND s.first = 0 AND s.last = 63
             AND s.lowest >= 0 AND s.others = 0
            THEN 'PASS' ELSE 'FAIL' END,
       'the hot dish is still hot, with its slots intact',
       format('hot %s, row stock %s; %s slots (%s..%s), stock %s..%s, %s sold from them since the last settle; %s slots of other dishes',
              d.hot, d.stock, s.n, s.first, s.last, s.lowest, s.highest, s.sold, s.others)
  FROM foodorder.dish d,
       LATERAL (SELECT count(*) FILTER (WHERE x.dish_id = d.id) AS n,
                       min(x.slot) FILTER (WHERE x.dish_id = d.id) AS first,
                       max(x.slot) FILTER (WHERE x.dish_id = d.id) AS last,
                       min(x.stock) FILTER (WHERE x.dish_id = d.id) AS lowest,
                       max(x.stock) FILTER (WHERE x.dish_id = d.id) AS highest,
                       sum(x.sold) FILTER (WHERE x.dish_id = d.id) AS sold,
                       count(*) FILTER (WHERE x.dish_id <> d.id) AS others
                  FROM foodorder.dish_slot x) s
 WHERE d.id = 1;

SELECT CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'foodorder.verify() is empty',
       format('%s rows%s', count(*),
              coalesce(': ' || string_agg(invariant || ': ' || detail, '; '), ''))
  FROM foodorder.verify();
