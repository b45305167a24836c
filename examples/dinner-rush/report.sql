-- What happened during the rush.
\pset footer off
SELECT count(*) AS orders_placed, coalesce(sum(total_count), 0) AS portions,
       (coalesce(sum(total_cents), 0) / 100.0)::numeric(12, 2) AS revenue_yuan
  FROM foodorder.orders;

SELECT d.id, d.name, d.stock + d.sold AS cooked, d.sold, d.stock AS left,
       CASE WHEN d.stock = 0 THEN 'sold out' ELSE '' END AS note
  FROM foodorder.dish d ORDER BY d.id;

-- The invariants: nothing oversold, sold = lines, totals = lines.
SELECT (SELECT count(*) FROM foodorder.dish WHERE stock < 0) AS oversold_dishes,
       (SELECT count(*) FROM foodorder.dish d
         WHERE d.sold <> (SELECT coalesce(sum(quantity), 0) FROM foodorder.order_item i
                           WHERE i.dish_id = d.id)) AS sold_mismatches,
       (SELECT count(*) FROM foodorder.orders o,
               LATERAL (SELECT sum(quantity) AS n, sum(quantity::bigint * price_cents) AS cents
                          FROM foodorder.order_item i WHERE i.order_id = o.id) AS l
         WHERE (o.total_count, o.total_cents) IS DISTINCT FROM (l.n, l.cents)) AS total_mismatches;
