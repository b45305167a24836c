-- Closing time, as the owner: orders nobody accepted are expired (in a
-- real canteen, periodically: expire_orders('15 minutes')), their stock
-- comes back, and the books must still balance.
\pset footer off
SELECT foodorder.expire_orders('0 seconds') AS expired;
SELECT status, count(*) AS orders FROM foodorder.orders GROUP BY status ORDER BY status;
SELECT reason, count(*) AS stock_changes, sum(delta) AS portions_back
  FROM foodorder.stock_change GROUP BY reason ORDER BY reason;
SELECT count(*) AS broken_invariants FROM foodorder.verify();
