-- After the rush, as the kitchen's staff role: cook and hand out the 20
-- oldest orders, and call off the 3 newest (a dish ran out in the wok);
-- their portions go back on sale.
\set ON_ERROR_STOP 1
SELECT count(*) FILTER (WHERE foodorder.accept_order(id)
                          AND foodorder.mark_ready(id)
                          AND foodorder.complete_order(id)) AS completed
  FROM (SELECT id FROM foodorder.orders WHERE status = 'placed' ORDER BY id LIMIT 20) AS o;
SELECT count(*) FILTER (WHERE foodorder.reject_order(id)) AS rejected
  FROM (SELECT id FROM foodorder.orders WHERE status = 'placed' ORDER BY id DESC LIMIT 3) AS o;
