-- What happened during the rush.
\pset footer off
SELECT count(*) AS orders_placed, coalesce(sum(total_count), 0) AS portions,
       (coalesce(sum(total_cents), 0) / 100.0)::numeric(12, 2) AS revenue_yuan
  FROM foodorder.orders;

SELECT d.id, d.name, d.stock + d.sold AS cooked, d.sold, d.stock AS left,
       CASE WHEN d.stock = 0 THEN 'sold out' ELSE '' END AS note
  FROM foodorder.dish d ORDER BY d.id;

-- The invariants (foodorder.verify()): no row means nothing oversold,
-- sold equals the order lines, totals equal the lines.
SELECT count(*) AS broken_invariants FROM foodorder.verify();
