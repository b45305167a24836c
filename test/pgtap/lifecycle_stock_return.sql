-- Cancelling and rejecting give the stock back: stock up and sold down by
-- each line of the order, one stock_change row per (order, dish) with the
-- reason, once however often the order is cancelled; moves that do not
-- end an order give nothing back.
\ir include/fixture.psql
SELECT plan(38);

SELECT foodorder.add_dish(1, 'Kung Pao chicken', 2800, 10) AS d1 \gset
SELECT foodorder.add_dish(1, 'Mapo tofu', 1800, 20) AS d2 \gset
SELECT foodorder.add_dish(1, 'Winter melon soup', 900, 2) AS d3 \gset
SELECT foodorder.add_dish(1, 'Steamed rice', 200, 100) AS d4 \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset

CREATE ROLE foodorder_tap2_customer NOLOGIN;
CREATE ROLE foodorder_tap2_staff NOLOGIN;
SELECT foodorder.grant_customer('foodorder_tap2_customer', :c1) \gset
SELECT foodorder.grant_staff('foodorder_tap2_staff', 1) \gset

-- Stock and sold of every dish, as one comparable set.
CREATE FUNCTION pg_temp.stock() RETURNS TABLE (id bigint, stock int, sold int)
LANGUAGE sql AS $$ SELECT id, stock, sold FROM foodorder.dish ORDER BY id $$;

-- An order that stays live all along, so sold never just drops to 0.
SELECT foodorder.place_order(:c1, ARRAY[:d1, :d4]::bigint[], ARRAY[1, 1]) AS o_live \gset
-- Two dishes, given out of id order.
SELECT foodorder.place_order(:c1, ARRAY[:d2, :d1]::bigint[], ARRAY[3, 2]) AS o_cancel \gset

SELECT results_eq('SELECT * FROM pg_temp.stock()',
    format('VALUES (%s::bigint, 7, 3), (%s, 17, 3), (%s, 2, 0), (%s, 99, 1)', :d1, :d2, :d3, :d4),
    'before: the two orders took 1 + 2 of dish 1, 3 of dish 2 and 1 of dish 4');

------------------------------------------------------------------------
-- cancel_order of a placed two-dish order
------------------------------------------------------------------------

SELECT is(foodorder.cancel_order(:o_cancel), true, 'cancel_order of the two-dish order: true');
SELECT results_eq('SELECT * FROM pg_temp.stock()',
    format('VALUES (%s::bigint, 9, 1), (%s, 20, 0), (%s, 2, 0), (%s, 99, 1)', :d1, :d2, :d3, :d4),
    'cancel: both dishes get their portions back and sold down by them; the other dishes untouched');
SELECT results_eq(
    'SELECT dish_id, delta, stock_after, reason, order_id, changed_by::text COLLATE "default", changed_at = now()
       FROM foodorder.stock_change ORDER BY dish_id',
    format($$VALUES (%s::bigint, 2, 9, 'cancel'::text, %s::bigint, %L::text, true),
                    (%s, 3, 20, 'cancel', %s, %L, true)$$,
           :d1, :o_cancel, current_user, :d2, :o_cancel, current_user),
    'cancel: one stock_change row per dish: delta, stock after, reason cancel, the order, the role');
SELECT results_eq(
    format('SELECT dish_id, quantity, price_cents FROM foodorder.order_item WHERE order_id = %s ORDER BY dish_id', :o_cancel),
    format('VALUES (%s::bigint, 2, 2800), (%s::bigint, 3, 1800)', :d1, :d2),
    'the cancelled order keeps its lines');
SELECT results_eq(
    format('SELECT total_count, total_cents FROM foodorder.orders WHERE id = %s', :o_cancel),
    'VALUES (5, 11000::bigint)',
    'the cancelled order keeps its totals');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty after the cancel');

-- Again: false, nothing comes back twice.
SELECT is(foodorder.cancel_order(:o_cancel), false, 'cancelling it again: false');
SELECT results_eq('SELECT * FROM pg_temp.stock()',
    format('VALUES (%s::bigint, 9, 1), (%s, 20, 0), (%s, 2, 0), (%s, 99, 1)', :d1, :d2, :d3, :d4),
    'the second cancel gave nothing back: stock and sold as after the first');
SELECT results_eq(
    format('SELECT dish_id, count(*) FROM foodorder.stock_change WHERE order_id = %s GROUP BY dish_id ORDER BY dish_id', :o_cancel),
    format('VALUES (%s::bigint, 1::bigint), (%s, 1)', :d1, :d2),
    'still one stock_change row per dish of the order');
SELECT is(
    (SELECT count(*)::int FROM foodorder.status_change WHERE order_id = :o_cancel), 1,
    'and one status_change row');

-- A third time by another caller (staff): still false, still nothing.
SET LOCAL ROLE foodorder_tap2_staff;
SELECT is(foodorder.cancel_order(:o_cancel), false, 'staff cancelling the cancelled order: false');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM foodorder.stock_change), 2, 'no stock_change row added by it');

------------------------------------------------------------------------
-- reject_order of a placed two-dish order
------------------------------------------------------------------------

SELECT foodorder.place_order(:c1, ARRAY[:d1, :d2]::bigint[], ARRAY[4, 5]) AS o_reject \gset
SELECT results_eq('SELECT * FROM pg_temp.stock()',
    format('VALUES (%s::bigint, 5, 5), (%s, 15, 5), (%s, 2, 0), (%s, 99, 1)', :d1, :d2, :d3, :d4),
    'before reject: the order took 4 of dish 1 and 5 of dish 2');
SELECT is(foodorder.reject_order(:o_reject), true, 'reject_order of the two-dish order: true');
SELECT results_eq('SELECT * FROM pg_temp.stock()',
    format('VALUES (%s::bigint, 9, 1), (%s, 20, 0), (%s, 2, 0), (%s, 99, 1)', :d1, :d2, :d3, :d4),
    'reject: both dishes get their portions back and sold down');
SELECT results_eq(
    format('SELECT dish_id, delta, stock_after, reason, changed_by::text COLLATE "default"
              FROM foodorder.stock_change WHERE order_id = %s ORDER BY dish_id', :o_reject),
    format($$VALUES (%s::bigint, 4, 9, 'reject'::text, %L::text), (%s, 5, 20, 'reject', %L)$$,
           :d1, current_user, :d2, current_user),
    'reject: one stock_change row per dish with reason reject');
SELECT is(foodorder.reject_order(:o_reject), false, 'rejecting it again: false');
SELECT results_eq('SELECT * FROM pg_temp.stock()',
    format('VALUES (%s::bigint, 9, 1), (%s, 20, 0), (%s, 2, 0), (%s, 99, 1)', :d1, :d2, :d3, :d4),
    'the second reject gave nothing back');
SELECT is((SELECT count(*)::int FROM foodorder.stock_change WHERE order_id = :o_reject), 2,
    'still two stock_change rows for the rejected order');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty after the reject');

------------------------------------------------------------------------
-- Cancels by the customer and by staff (from accepted) give stock back too,
-- recorded under their role.
------------------------------------------------------------------------

SELECT foodorder.place_order(:c1, ARRAY[:d3]::bigint[], ARRAY[2]) AS o_sold_out \gset
SELECT is((SELECT stock FROM foodorder.dish WHERE id = :d3), 0, 'dish 3 is sold out');
SET LOCAL ROLE foodorder_tap2_customer;
SELECT is(foodorder.cancel_order(:o_sold_out), true, 'the customer cancels the placed order');
RESET ROLE;
SELECT results_eq(
    format('SELECT id, stock, sold FROM foodorder.dish WHERE id = %s', :d3),
    format('VALUES (%s::bigint, 2, 0)', :d3),
    'the sold-out dish has its 2 portions back');
SELECT results_eq(
    format('SELECT dish_id, delta, stock_after, reason, changed_by::text COLLATE "default"
              FROM foodorder.stock_change WHERE order_id = %s', :o_sold_out),
    format($$VALUES (%s::bigint, 2, 2, 'cancel'::text, 'foodorder_tap2_customer'::text)$$, :d3),
    'the stock_change row names the customer''s role');
SELECT lives_ok(format('SELECT foodorder.place_order(%s, ARRAY[%s]::bigint[], ARRAY[2])', :c1, :d3),
    'the portions given back can be ordered again');

SELECT foodorder.place_order(:c1, ARRAY[:d1, :d4]::bigint[], ARRAY[2, 3]) AS o_accepted \gset
SELECT foodorder.accept_order(:o_accepted) \gset
SET LOCAL ROLE foodorder_tap2_staff;
SELECT is(foodorder.cancel_order(:o_accepted), true, 'staff cancel an accepted order');
RESET ROLE;
SELECT results_eq(
    format('SELECT id, stock, sold FROM foodorder.dish WHERE id IN (%s, %s) ORDER BY id', :d1, :d4),
    format('VALUES (%s::bigint, 9, 1), (%s, 99, 1)', :d1, :d4),
    'the accepted order''s stock came back');
SELECT results_eq(
    format('SELECT dish_id, delta, stock_after, reason, changed_by::text COLLATE "default"
              FROM foodorder.stock_change WHERE order_id = %s ORDER BY dish_id', :o_accepted),
    format($$VALUES (%s::bigint, 2, 9, 'cancel'::text, 'foodorder_tap2_staff'::text),
                    (%s, 3, 99, 'cancel', 'foodorder_tap2_staff')$$, :d1, :d4),
    'two stock_change rows by the staff role');

------------------------------------------------------------------------
-- Moves that do not end an order keep its stock out; a failed cancel
-- gives nothing back.
------------------------------------------------------------------------

SELECT foodorder.place_order(:c1, ARRAY[:d1, :d2]::bigint[], ARRAY[1, 1]) AS o_done \gset
SELECT is(foodorder.accept_order(:o_done) AND foodorder.mark_ready(:o_done)
          AND foodorder.complete_order(:o_done) AND foodorder.mark_paid(:o_done)
          AND foodorder.refund_order(:o_done), true,
    'an order accepted, made ready, completed, paid and refunded');
SELECT results_eq(
    format('SELECT id, stock, sold FROM foodorder.dish WHERE id IN (%s, %s) ORDER BY id', :d1, :d2),
    format('VALUES (%s::bigint, 8, 2), (%s, 19, 1)', :d1, :d2),
    'none of those moves gave stock back, not even the refund');
SELECT is((SELECT count(*)::int FROM foodorder.stock_change WHERE order_id = :o_done), 0,
    'and none wrote stock_change');
SELECT throws_ok(format('SELECT foodorder.cancel_order(%s)', :o_done), 'OR003',
    format('cannot cancel order %s', :o_done), 'cancelling the completed order: OR003');
SELECT results_eq(
    format('SELECT id, stock, sold FROM foodorder.dish WHERE id IN (%s, %s) ORDER BY id', :d1, :d2),
    format('VALUES (%s::bigint, 8, 2), (%s, 19, 1)', :d1, :d2),
    'the refused cancel gave nothing back');

------------------------------------------------------------------------
-- The whole log adds up: stock now = stock at creation - live sold +
-- nothing else (no restock here), and every given-back delta matches a line.
------------------------------------------------------------------------

SELECT is_empty(
    $$SELECT s.order_id, s.dish_id FROM foodorder.stock_change s
       LEFT JOIN foodorder.order_item i ON i.order_id = s.order_id AND i.dish_id = s.dish_id
      WHERE i.quantity IS DISTINCT FROM s.delta$$,
    'every stock_change delta is the quantity of its order line');
SELECT is_empty(
    $$SELECT o.id FROM foodorder.orders o
       WHERE (o.status IN ('cancelled', 'rejected'))
          <> EXISTS (SELECT FROM foodorder.stock_change s WHERE s.order_id = o.id)$$,
    'exactly the cancelled and rejected orders have stock_change rows');
SELECT results_eq(
    'SELECT id, stock + sold FROM foodorder.dish ORDER BY id',
    format('VALUES (%s::bigint, 10), (%s, 20), (%s, 2), (%s, 100)', :d1, :d2, :d3, :d4),
    'stock + sold is still what each dish was created with');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty at the end');

SELECT * FROM finish();
ROLLBACK;
