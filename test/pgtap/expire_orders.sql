-- expire_orders(older_than): rejects the orders still placed whose
-- created_at is more than older_than ago (strictly), gives their stock
-- back with reason 'expire', records placed -> rejected, returns how many.
-- now() is fixed for the whole transaction, so "old" orders are made by
-- moving created_at back as the owner.
\ir include/fixture.psql
SELECT plan(24);

SELECT foodorder.add_dish(1, 'Kung Pao chicken', 2800, 20) AS chicken \gset
SELECT foodorder.add_dish(1, 'Mapo tofu', 1800, 20) AS tofu \gset
SELECT foodorder.add_dish(1, 'Steamed rice', 200, 100) AS rice \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset

-- Everything expire_orders may write, as one value.
CREATE FUNCTION pg_temp.written() RETURNS text LANGUAGE sql AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(concat_ws(',', id, stock, sold), ';' ORDER BY id) FROM foodorder.dish),
        (SELECT string_agg(concat_ws(',', id, status, pay_status, updated_at), ';' ORDER BY id)
           FROM foodorder.orders),
        (SELECT string_agg(concat_ws(',', id, order_id, from_value, to_value), ';' ORDER BY id)
           FROM foodorder.status_change),
        (SELECT string_agg(concat_ws(',', id, dish_id, delta, stock_after, reason, order_id), ';' ORDER BY id)
           FROM foodorder.stock_change)))
$$;

-- Two old placed orders sharing a dish, an old accepted one, an old
-- cancelled one, one placed 31 minutes ago, one exactly 30 minutes ago
-- and a new one.
SELECT foodorder.place_order(:c1, ARRAY[:chicken, :tofu]::bigint[], ARRAY[2, 1]) AS p_old1 \gset
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[3]) AS p_old2 \gset
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS a_old \gset
SELECT foodorder.accept_order(:a_old) \gset
SELECT foodorder.place_order(:c1, ARRAY[:tofu]::bigint[], ARRAY[1]) AS c_old \gset
SELECT foodorder.cancel_order(:c_old) \gset
SELECT foodorder.place_order(:c1, ARRAY[:rice]::bigint[], ARRAY[1]) AS p_31 \gset
SELECT foodorder.place_order(:c1, ARRAY[:rice]::bigint[], ARRAY[2]) AS p_edge \gset
SELECT foodorder.place_order(:c1, ARRAY[:rice]::bigint[], ARRAY[1]) AS p_new \gset

UPDATE foodorder.orders SET created_at = now() - interval '1 hour' WHERE id IN (:p_old1, :a_old, :c_old);
UPDATE foodorder.orders SET created_at = now() - interval '2 hours' WHERE id = :p_old2;
UPDATE foodorder.orders SET created_at = now() - interval '31 minutes' WHERE id = :p_31;
UPDATE foodorder.orders SET created_at = now() - interval '30 minutes' WHERE id = :p_edge;
UPDATE foodorder.orders SET updated_at = timestamptz '2000-01-01 00:00 UTC';

SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    format('VALUES (%s::bigint, 14, 6), (%s, 19, 1), (%s, 96, 4)', :chicken, :tofu, :rice),
    'before: the live orders hold 6 chicken, 1 tofu, 4 rice');

------------------------------------------------------------------------
-- Refusals and NULL
------------------------------------------------------------------------

SELECT pg_temp.written() AS before \gset
SELECT throws_ok($$SELECT foodorder.expire_orders('-1 minute')$$, '22023',
    'older_than must not be negative', 'a negative interval: 22023');
SELECT throws_ok($$SELECT foodorder.expire_orders('1 day -25 hours')$$, '22023',
    'older_than must not be negative', 'an interval that adds up to -1 hour: 22023');
SELECT is(foodorder.expire_orders(NULL), NULL, 'expire_orders(NULL) is NULL (STRICT), and does nothing');
SELECT is(foodorder.expire_orders('1000 years'), 0, 'nothing is older than 1000 years: 0');
SELECT is(pg_temp.written(), :'before', 'the refusals, NULL and the empty run wrote nothing');

------------------------------------------------------------------------
-- The run
------------------------------------------------------------------------

SELECT is(foodorder.expire_orders('30 minutes'), 3,
    'expire_orders(30 minutes) returns 3: the placed orders of 2 hours, 1 hour and 31 minutes ago');
SELECT results_eq(
    'SELECT id, status, updated_at = now() FROM foodorder.orders ORDER BY id',
    format($$VALUES (%s::bigint, 'rejected'::text, true), (%s, 'rejected', true),
                    (%s, 'accepted', false), (%s, 'cancelled', false), (%s, 'rejected', true),
                    (%s, 'placed', false), (%s, 'placed', false)$$,
           :p_old1, :p_old2, :a_old, :c_old, :p_31, :p_edge, :p_new),
    'only the old placed orders are rejected (updated_at moved); accepted, cancelled, '
    'exactly-30-minutes and new orders untouched');
SELECT results_eq(
    $$SELECT order_id, field, from_value, to_value, changed_by::text COLLATE "default", changed_at = now()
        FROM foodorder.status_change WHERE to_value = 'rejected' ORDER BY order_id$$,
    format($$VALUES (%1$s::bigint, 'status'::text, 'placed'::text, 'rejected'::text, %4$L::text, true),
                    (%2$s, 'status', 'placed', 'rejected', %4$L, true),
                    (%3$s, 'status', 'placed', 'rejected', %4$L, true)$$,
           :p_old1, :p_old2, :p_31, current_user),
    'one status_change row placed -> rejected per expired order, by the calling role');
SELECT is((SELECT count(*)::int FROM foodorder.status_change), 5,
    'no other status_change row (the accept and the cancel made before, and the three expiries)');
SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    format('VALUES (%s::bigint, 19, 1), (%s, 20, 0), (%s, 97, 3)', :chicken, :tofu, :rice),
    'the stock came back: 2 + 3 chicken, 1 tofu, 1 rice; sold down by as much');
SELECT results_eq(
    $$SELECT order_id, dish_id, delta, stock_after, changed_by::text COLLATE "default", changed_at = now()
        FROM foodorder.stock_change WHERE reason = 'expire' ORDER BY order_id, dish_id$$,
    format($$VALUES (%1$s::bigint, %4$s::bigint, 2, 16, %7$L::text, true),
                    (%1$s, %5$s, 1, 20, %7$L, true),
                    (%2$s, %4$s, 3, 19, %7$L, true),
                    (%3$s, %6$s, 1, 97, %7$L, true)$$,
           :p_old1, :p_old2, :p_31, :chicken, :tofu, :rice, current_user),
    'one stock_change row expire per (order, dish); stock_after as if given back order by order '
    '(chicken 14 + 2 = 16, then + 3 = 19)');
SELECT is((SELECT count(*)::int FROM foodorder.stock_change WHERE reason <> 'expire'), 1,
    'the only other stock_change row is the earlier cancel');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty after expiring');

------------------------------------------------------------------------
-- Again, and with a shorter interval
------------------------------------------------------------------------

SELECT pg_temp.written() AS before \gset
SELECT is(foodorder.expire_orders('30 minutes'), 0, 'a second run returns 0');
SELECT is(pg_temp.written(), :'before', 'and writes nothing: no stock given back twice');

SELECT is(foodorder.expire_orders('0 seconds'), 1,
    'expire_orders(0) expires the 30-minute-old order but not the one placed now');
SELECT results_eq(
    format('SELECT id, status FROM foodorder.orders WHERE id IN (%s, %s) ORDER BY id', :p_edge, :p_new),
    format($$VALUES (%s::bigint, 'rejected'::text), (%s, 'placed')$$, :p_edge, :p_new),
    'the order created at now() is not older than 0 seconds');
SELECT results_eq(
    format($$SELECT dish_id, delta, stock_after, reason FROM foodorder.stock_change WHERE order_id = %s$$, :p_edge),
    format($$VALUES (%s::bigint, 2, 99, 'expire'::text)$$, :rice),
    'its 2 rice came back');

-- Expired orders are rejected orders: the lifecycle treats them so.
SELECT is(foodorder.reject_order(:p_old1), false, 'reject_order of an expired order: false, already rejected');
SELECT throws_ok(format('SELECT foodorder.accept_order(%s)', :p_old1), 'OR003',
    format('cannot accept order %s', :p_old1), 'accept_order of an expired order: OR003');
SELECT throws_ok(format('SELECT foodorder.cancel_order(%s)', :p_old2), 'OR003',
    format('cannot cancel order %s', :p_old2), 'cancel_order of an expired order: OR003, no second give-back');
SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    format('VALUES (%s::bigint, 19, 1), (%s, 20, 0), (%s, 99, 1)', :chicken, :tofu, :rice),
    'the final stock: only the accepted chicken and the new rice are out');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty at the end');

SELECT * FROM finish();
ROLLBACK;
