-- foodorder stress test over shards: what the router and the calls' log
-- show after the run.  One row per check: PASS or FAIL | what | numbers.
-- psql variables: processed (pgbench transactions).
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
\pset fieldsep '|'

WITH c AS (
    SELECT *,
           CASE
               WHEN script = 'order' AND variant IN ('keymode 0', 'keymode 1')
                   THEN state IN ('00000', 'OR001') AND coalesce(retry_state, '00000') IN ('00000', 'OR001')
               WHEN script = 'order'
                   THEN state IN ('00000', 'OR001', 'OR004')
               WHEN script = 'cart'
                   THEN state IN ('00000', 'OR001') AND coalesce(retry_state, '00000') IN ('00000', 'OR001')
               WHEN script = 'cancel'
                   THEN state IN ('true', 'false', 'none', 'OR003')
               WHEN script = 'cross'
                   THEN state = '22023'
           END AS expected
      FROM stress.call
),
-- every order id a call got back, and from which call
got AS (
    SELECT customer, request_key, order_id AS id FROM c
     WHERE script IN ('order', 'cart') AND state = '00000'
    UNION ALL
    SELECT customer, request_key, retry_id FROM c
     WHERE script IN ('order', 'cart') AND retry_state = '00000'
),
keyed AS (
    SELECT customer_id, request_key, count(*) AS orders, count(DISTINCT id % 1024) AS partitions,
           string_agg(id::text, ' ' ORDER BY id) AS ids
      FROM foodorder.orders WHERE request_key IS NOT NULL
     GROUP BY 1, 2
),
checks (n, ok, what, numbers) AS (
    SELECT 1, count(*) = :processed,
           'one logged outcome per pgbench transaction',
           count(*) || ' outcomes, ' || :processed || ' transactions'
      FROM c
    UNION ALL
    SELECT 2, count(*) = 0,
           'SELECT count(*) FROM foodorder.verify() through the router is 0',
           count(*) || ' rows' || coalesce(': ' || min(invariant || ': ' || detail), '')
      FROM foodorder.verify()
    UNION ALL
    SELECT 3, count(*) FILTER (WHERE NOT expected) = 0,
           'no unexpected outcome (orders: OR001, and OR004 for reused keys; carts: OR001; cancels: OR003; two restaurants: 22023)',
           count(*) FILTER (WHERE NOT expected) || ' unexpected' ||
           coalesce(': ' || (SELECT string_agg(format('%s %s: %s %s/%s (%s)', script, coalesce(variant, ''),
                                                      k, state, coalesce(retry_state, '-'), m), '; ')
                               FROM (SELECT script, variant, state, retry_state, count(*) AS k,
                                            min(message) AS m
                                       FROM c WHERE NOT expected GROUP BY 1, 2, 3, 4) x), '')
      FROM c
    UNION ALL
    SELECT 4, count(*) FILTER (WHERE '40P01' IN (state, retry_state)) = 0,
           'no call got a deadlock (40P01)',
           count(*) FILTER (WHERE '40P01' IN (state, retry_state)) || ' deadlocks'
      FROM c
    UNION ALL
    SELECT 5, count(*) FILTER (WHERE orders > 1) = 0 AND count(*) > 0,
           'each request key made at most one order per customer (orders through the router)',
           count(*) || ' keys, ' || count(*) FILTER (WHERE orders > 1) || ' with more than one order' ||
           coalesce(' (' || count(*) FILTER (WHERE orders > 1 AND partitions > 1) ||
                    ' of them on more than one partition; e.g. customer ' ||
                    min(customer_id::text || ' key ' || request_key || ': orders ' || ids)
                        FILTER (WHERE orders > 1) || ')', '')
      FROM keyed
    UNION ALL
    SELECT 6, count(*) FILTER (WHERE ids > 1) = 0,
           'calls with the same customer and request key got the same order id',
           count(*) || ' keys that placed, ' || count(*) FILTER (WHERE ids > 1) || ' got more than one id'
      FROM (SELECT customer, request_key, count(DISTINCT id) AS ids FROM got
             WHERE request_key IS NOT NULL GROUP BY 1, 2) x
    UNION ALL
    SELECT 7, count(*) FILTER (WHERE retry_id IS DISTINCT FROM order_id) = 0 AND count(*) > 0,
           'a retry with the key of a placed order returned that order (place_order, cart)',
           count(*) || ' retries of placed orders (' ||
           count(*) FILTER (WHERE script = 'cart') || ' cart), ' ||
           count(*) FILTER (WHERE retry_id IS DISTINCT FROM order_id) || ' got another answer'
      FROM c WHERE script IN ('order', 'cart') AND state = '00000' AND retry_state IS NOT NULL
    UNION ALL
    SELECT 8, count(*) FILTER (WHERE state <> '22023') = 0
              AND count(*) FILTER (WHERE variant = 'two partitions') > 0
              AND count(*) FILTER (WHERE variant = 'same partition') > 0,
           'orders of two restaurants refused with 22023, none placed',
           count(*) FILTER (WHERE variant = 'two partitions' AND state = '22023') || ' of ' ||
           count(*) FILTER (WHERE variant = 'two partitions') || ' on two partitions, ' ||
           count(*) FILTER (WHERE variant = 'same partition' AND state = '22023') || ' of ' ||
           count(*) FILTER (WHERE variant = 'same partition') || ' on one partition; ' ||
           count(*) FILTER (WHERE order_id IS NOT NULL) || ' placed'
      FROM c WHERE script = 'cross'
    UNION ALL
    SELECT 9, (SELECT count(DISTINCT id) FROM got) = count(*)
              AND (SELECT count(*) FROM got g WHERE NOT EXISTS (SELECT FROM foodorder.orders o
                                                                  WHERE o.id = g.id)) = 0,
           'every order is one a call got back, and every id a call got is an order',
           count(*) || ' orders, ' || (SELECT count(DISTINCT id) FROM got) || ' distinct ids returned'
      FROM foodorder.orders
    UNION ALL
    SELECT 10, (SELECT count(*) FROM c WHERE script = 'cancel' AND state = 'true')
               = count(*) FILTER (WHERE status = 'cancelled')
               AND count(*) FILTER (WHERE status = 'cancelled') > 0,
           'cancel_order calls that returned true = orders cancelled (some were)',
           (SELECT count(*) FROM c WHERE script = 'cancel' AND state = 'true') || ' true, ' ||
           (SELECT count(*) FROM c WHERE script = 'cancel' AND state = 'false') || ' false, ' ||
           (SELECT count(*) FROM c WHERE script = 'cancel' AND state = 'OR003') || ' OR003, ' ||
           count(*) FILTER (WHERE status = 'cancelled') || ' orders cancelled'
      FROM foodorder.orders
    UNION ALL
    SELECT 11, (SELECT count(*) FROM c WHERE 'OR001' IN (state, retry_state)) > 0
               AND count(*) FILTER (WHERE stock = 0) > 0
               AND (SELECT count(*) FROM c, foodorder.menu m
                     WHERE m.hot AND c.message = 'insufficient stock for dish ' || m.id) > 0,
           'dishes sold out and orders were refused for want of stock (OR001), of the hot dish too',
           count(*) FILTER (WHERE stock = 0) || ' of ' || count(*) || ' dishes sold out, ' ||
           (SELECT count(*) FROM c WHERE 'OR001' IN (state, retry_state)) || ' calls refused, ' ||
           (SELECT count(*) FROM c, foodorder.menu m
             WHERE m.hot AND c.message = 'insufficient stock for dish ' || m.id) ||
           ' for want of the hot dish (' ||
           string_agg(format('dish %s: %s sold, %s left', id, sold, stock), '') FILTER (WHERE hot) || ')'
      FROM foodorder.menu WHERE id IN (SELECT id FROM stress.dish)
    UNION ALL
    SELECT 12, count(*) FILTER (WHERE state = 'OR004') > 0,
           'a request key reused for another order was refused with OR004',
           count(*) FILTER (WHERE state = 'OR004') || ' of ' || count(*) || ' orders with a shared key'
      FROM c WHERE script = 'order' AND variant IN ('keymode 2', 'keymode 3', 'keymode 4')
    UNION ALL
    -- the whole-dish check's detail: refused only with fewer portions left
    -- than asked (a hot dish's slots added up), never a false sold out
    SELECT 13, count(*) > 0 AND count(*) FILTER (WHERE n IS NULL OR n[1] >= n[2]) = 0,
           'every OR001 said fewer portions were left than requested',
           count(*) || ' refusals, ' || count(*) FILTER (WHERE n IS NULL OR n[1] >= n[2]) || ' odd' ||
           coalesce(' (e.g. ' || min(detail) FILTER (WHERE n IS NULL OR n[1] >= n[2]) || ')', '')
      FROM (SELECT detail, (regexp_match(detail, '^Not enough portions left: dish \d+ has (\d+) left, (\d+) requested\.$'))::int[] AS n
              FROM c WHERE 'OR001' IN (state, retry_state)) r
)
SELECT CASE WHEN ok THEN 'PASS' ELSE 'FAIL' END, what, numbers FROM checks ORDER BY n;

-- Not checks: the outcomes by SQLSTATE, per script.
SELECT 'INFO', 'outcomes ' || script,
       string_agg(format('%s %s', state, k), ', ' ORDER BY k DESC)
  FROM (SELECT script, state, count(*) AS k FROM stress.call GROUP BY 1, 2
        UNION ALL
        SELECT script || ' retries', retry_state, count(*) FROM stress.call
         WHERE retry_state IS NOT NULL GROUP BY 1, 2) x
 GROUP BY script ORDER BY script;
