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

SELECT CASE WHEN count(*) = 20 AND count(*) FILTER (WHERE d.stock + d.sold <> i.stock) = 0
            THEN 'PASS' ELSE 'FAIL' END,
       'stock + sold equals the initial stock of every dish',
       format('%s dishes, %s off; hot dish: stock %s + sold %s = %s; scarce dish 20: stock %s',
              count(*), count(*) FILTER (WHERE d.stock + d.sold <> i.stock),
              max(d.stock) FILTER (WHERE d.id = 1), max(d.sold) FILTER (WHERE d.id = 1),
              max(i.stock) FILTER (WHERE d.id = 1), max(d.stock) FILTER (WHERE d.id = 20))
  FROM foodorder.dish d JOIN crash.initial_stock i ON i.dish_id = d.id;

WITH live AS (
    SELECT d.id, d.sold,
           (SELECT coalesce(sum(l.quantity), 0)
              FROM foodorder.order_item l JOIN foodorder.orders o ON o.id = l.order_id
             WHERE l.dish_id = d.id AND o.status NOT IN ('cancelled', 'rejected')) AS in_lines
      FROM foodorder.dish d
)
SELECT CASE WHEN count(*) FILTER (WHERE sold <> in_lines) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'sold equals the live order lines of every dish',
       format('%s dishes off; %s portions sold', count(*) FILTER (WHERE sold <> in_lines), sum(sold))
  FROM live;

SELECT CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END,
       'foodorder.verify() is empty',
       format('%s rows%s', count(*),
              coalesce(': ' || string_agg(invariant || ': ' || detail, '; '), ''))
  FROM foodorder.verify();
