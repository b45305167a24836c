-- The order lifecycle of 1.1: every legal move of status and pay_status
-- (result, row, updated_at, status_change), every illegal one (OR003 with
-- "Order N is <state>."), repeats that return false and write nothing,
-- unknown and NULL orders, and the rules on who may move an order that
-- depend on its state.  Stock given back is in lifecycle_stock_return.sql.
\ir include/fixture.psql
SELECT plan(100);

SELECT foodorder.add_dish(1, 'Kung Pao chicken', 2800, 100) AS d1 \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset

CREATE ROLE foodorder_tap2_customer NOLOGIN;
CREATE ROLE foodorder_tap2_app NOLOGIN;
CREATE ROLE foodorder_tap2_staff NOLOGIN;
SELECT foodorder.grant_customer('foodorder_tap2_customer', :c1) \gset
SELECT foodorder.grant_app('foodorder_tap2_app') \gset
SELECT foodorder.grant_staff('foodorder_tap2_staff', 1) \gset

-- What an illegal move of order id by verb must raise.
CREATE FUNCTION pg_temp.or003(verb text, id bigint, state text) RETURNS text
LANGUAGE sql AS $$
    SELECT format('OR003: cannot %s order %s / Order %s is %s.', verb, id, id, state)
$$;

-- Everything a transition may write, as one value.
CREATE FUNCTION pg_temp.written() RETURNS text LANGUAGE sql AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(concat_ws(',', id, stock, sold, price_cents, on_sale), ';' ORDER BY id)
           FROM foodorder.dish),
        (SELECT string_agg(concat_ws(',', id, status, pay_status, updated_at, total_count,
                                     total_cents, delivery_fee_cents), ';' ORDER BY id)
           FROM foodorder.orders),
        (SELECT string_agg(concat_ws(',', order_id, dish_id, quantity, price_cents), ';'
                           ORDER BY order_id, dish_id) FROM foodorder.order_item),
        (SELECT string_agg(concat_ws(',', id, order_id, field, from_value, to_value, changed_by,
                                     changed_at), ';' ORDER BY id) FROM foodorder.status_change),
        (SELECT string_agg(concat_ws(',', id, dish_id, delta, stock_after, reason, order_id,
                                     changed_by), ';' ORDER BY id) FROM foodorder.stock_change)))
$$;

-- One order of one portion per state the tests need.
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_completed \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_rejected \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_cancelled \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_accepted \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_staff_cancel \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_app_cancel \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_paid \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_refunded \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_ready \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o_placed \gset

SELECT is((SELECT count(*)::int FROM foodorder.status_change), 0,
    'placing orders records nothing in status_change');

-- updated_at is set far back before each move, so that "= now()" shows it moved.
CREATE FUNCTION pg_temp.backdate() RETURNS void LANGUAGE sql AS $$
    UPDATE foodorder.orders SET updated_at = timestamptz '2000-01-01 00:00 UTC'
$$;

------------------------------------------------------------------------
-- Legal moves
------------------------------------------------------------------------

-- placed -> accepted -> ready -> completed, by the owner (trusted as staff).
SELECT pg_temp.backdate();
SELECT is(foodorder.accept_order(:o_completed), true, 'accept_order of a placed order returns true');
SELECT results_eq(
    format('SELECT status, pay_status, updated_at = now() FROM foodorder.orders WHERE id = %s', :o_completed),
    $$VALUES ('accepted'::text, 'unpaid'::text, true)$$,
    'accept_order: status accepted, pay_status untouched, updated_at moved to now()');
SELECT results_eq(
    format('SELECT field, from_value, to_value, changed_by::text COLLATE "default", changed_at = now()
              FROM foodorder.status_change WHERE order_id = %s ORDER BY id', :o_completed),
    format($$VALUES ('status'::text, 'placed'::text, 'accepted'::text, %L::text, true)$$, current_user),
    'accept_order: one status_change row placed -> accepted by the calling role');

SELECT pg_temp.backdate();
SELECT is(foodorder.mark_ready(:o_completed), true, 'mark_ready of an accepted order returns true');
SELECT results_eq(
    format('SELECT status, pay_status, updated_at = now() FROM foodorder.orders WHERE id = %s', :o_completed),
    $$VALUES ('ready'::text, 'unpaid'::text, true)$$,
    'mark_ready: status ready, updated_at moved');
SELECT results_eq(
    format('SELECT field, from_value, to_value, changed_by::text COLLATE "default"
              FROM foodorder.status_change WHERE order_id = %s ORDER BY id', :o_completed),
    format($$VALUES ('status'::text, 'placed'::text, 'accepted'::text, %1$L::text),
                    ('status', 'accepted', 'ready', %1$L)$$, current_user),
    'mark_ready: one more status_change row, accepted -> ready');

SELECT pg_temp.backdate();
SELECT is(foodorder.complete_order(:o_completed), true, 'complete_order of a ready order returns true');
SELECT results_eq(
    format('SELECT status, pay_status, updated_at = now() FROM foodorder.orders WHERE id = %s', :o_completed),
    $$VALUES ('completed'::text, 'unpaid'::text, true)$$,
    'complete_order: status completed, updated_at moved');
SELECT results_eq(
    format('SELECT field, from_value, to_value, changed_by::text COLLATE "default"
              FROM foodorder.status_change WHERE order_id = %s ORDER BY id', :o_completed),
    format($$VALUES ('status'::text, 'placed'::text, 'accepted'::text, %1$L::text),
                    ('status', 'accepted', 'ready', %1$L),
                    ('status', 'ready', 'completed', %1$L)$$, current_user),
    'complete_order: one more status_change row, ready -> completed');

-- placed -> rejected, by the owner.
SELECT pg_temp.backdate();
SELECT is(foodorder.reject_order(:o_rejected), true, 'reject_order of a placed order returns true');
SELECT results_eq(
    format('SELECT status, pay_status, updated_at = now() FROM foodorder.orders WHERE id = %s', :o_rejected),
    $$VALUES ('rejected'::text, 'unpaid'::text, true)$$,
    'reject_order: status rejected, updated_at moved');
SELECT results_eq(
    format('SELECT field, from_value, to_value, changed_by::text COLLATE "default"
              FROM foodorder.status_change WHERE order_id = %s ORDER BY id', :o_rejected),
    format($$VALUES ('status'::text, 'placed'::text, 'rejected'::text, %L::text)$$, current_user),
    'reject_order: one status_change row placed -> rejected');

-- placed -> cancelled, by the customer itself.
SELECT pg_temp.backdate();
SET LOCAL ROLE foodorder_tap2_customer;
SELECT is(foodorder.cancel_order(:o_cancelled), true, 'the customer cancels its placed order: true');
RESET ROLE;
SELECT results_eq(
    format('SELECT status, pay_status, updated_at = now() FROM foodorder.orders WHERE id = %s', :o_cancelled),
    $$VALUES ('cancelled'::text, 'unpaid'::text, true)$$,
    'cancel_order by the customer: status cancelled, updated_at moved');
SELECT results_eq(
    format('SELECT field, from_value, to_value, changed_by::text COLLATE "default"
              FROM foodorder.status_change WHERE order_id = %s ORDER BY id', :o_cancelled),
    $$VALUES ('status'::text, 'placed'::text, 'cancelled'::text, 'foodorder_tap2_customer'::text)$$,
    'cancel_order by the customer: status_change names the customer''s role');

-- placed -> accepted by staff; accepted -> cancelled by staff.
SELECT pg_temp.backdate();
SET LOCAL ROLE foodorder_tap2_staff;
SELECT is(foodorder.accept_order(:o_accepted), true, 'staff of the restaurant accept a placed order: true');
RESET ROLE;
SELECT results_eq(
    format('SELECT status, updated_at = now() FROM foodorder.orders WHERE id = %s', :o_accepted),
    $$VALUES ('accepted'::text, true)$$,
    'accept_order by staff: status accepted, updated_at moved');
SELECT results_eq(
    format('SELECT field, from_value, to_value, changed_by::text COLLATE "default"
              FROM foodorder.status_change WHERE order_id = %s ORDER BY id', :o_accepted),
    $$VALUES ('status'::text, 'placed'::text, 'accepted'::text, 'foodorder_tap2_staff'::text)$$,
    'accept_order by staff: status_change names the staff role');

SELECT foodorder.accept_order(:o_staff_cancel) \gset
SELECT pg_temp.backdate();
SET LOCAL ROLE foodorder_tap2_staff;
SELECT is(foodorder.cancel_order(:o_staff_cancel), true, 'staff cancel an accepted order: true');
RESET ROLE;
SELECT results_eq(
    format('SELECT status, updated_at = now() FROM foodorder.orders WHERE id = %s', :o_staff_cancel),
    $$VALUES ('cancelled'::text, true)$$,
    'cancel_order of an accepted order by staff: status cancelled, updated_at moved');
SELECT results_eq(
    format('SELECT field, from_value, to_value, changed_by::text COLLATE "default"
              FROM foodorder.status_change WHERE order_id = %s ORDER BY id', :o_staff_cancel),
    format($$VALUES ('status'::text, 'placed'::text, 'accepted'::text, %L::text),
                    ('status', 'accepted', 'cancelled', 'foodorder_tap2_staff')$$, current_user),
    'cancel_order by staff: status_change accepted -> cancelled by the staff role');

-- placed -> cancelled by the app.
SELECT pg_temp.backdate();
SET LOCAL ROLE foodorder_tap2_app;
SELECT is(foodorder.cancel_order(:o_app_cancel), true, 'the app cancels a placed order: true');
RESET ROLE;
SELECT results_eq(
    format('SELECT o.status, o.updated_at = now(), s.from_value, s.to_value, s.changed_by::text COLLATE "default"
              FROM foodorder.orders o JOIN foodorder.status_change s ON s.order_id = o.id
             WHERE o.id = %s', :o_app_cancel),
    $$VALUES ('cancelled'::text, true, 'placed'::text, 'cancelled'::text, 'foodorder_tap2_app'::text)$$,
    'cancel_order by the app: cancelled, updated_at moved, one status_change row by the app role');

-- unpaid -> paid by the app.
SELECT pg_temp.backdate();
SET LOCAL ROLE foodorder_tap2_app;
SELECT is(foodorder.mark_paid(:o_paid), true, 'the app marks an unpaid order paid: true');
RESET ROLE;
SELECT results_eq(
    format('SELECT status, pay_status, updated_at = now() FROM foodorder.orders WHERE id = %s', :o_paid),
    $$VALUES ('placed'::text, 'paid'::text, true)$$,
    'mark_paid: pay_status paid, status untouched, updated_at moved');
SELECT results_eq(
    format('SELECT field, from_value, to_value, changed_by::text COLLATE "default", changed_at = now()
              FROM foodorder.status_change WHERE order_id = %s ORDER BY id', :o_paid),
    $$VALUES ('pay_status'::text, 'unpaid'::text, 'paid'::text, 'foodorder_tap2_app'::text, true)$$,
    'mark_paid: one status_change row on field pay_status, unpaid -> paid, by the app role');

-- unpaid -> paid by staff (cash at the counter); paid -> refunded by the app.
SET LOCAL ROLE foodorder_tap2_staff;
SELECT is(foodorder.mark_paid(:o_refunded), true, 'staff mark an unpaid order paid: true');
RESET ROLE;
SELECT pg_temp.backdate();
SET LOCAL ROLE foodorder_tap2_app;
SELECT is(foodorder.refund_order(:o_refunded), true, 'the app refunds a paid order: true');
RESET ROLE;
SELECT results_eq(
    format('SELECT status, pay_status, updated_at = now() FROM foodorder.orders WHERE id = %s', :o_refunded),
    $$VALUES ('placed'::text, 'refunded'::text, true)$$,
    'refund_order: pay_status refunded, status untouched, updated_at moved');
SELECT results_eq(
    format('SELECT field, from_value, to_value, changed_by::text COLLATE "default"
              FROM foodorder.status_change WHERE order_id = %s ORDER BY id', :o_refunded),
    $$VALUES ('pay_status'::text, 'unpaid'::text, 'paid'::text, 'foodorder_tap2_staff'::text),
             ('pay_status', 'paid', 'refunded', 'foodorder_tap2_app')$$,
    'mark_paid by staff then refund_order by the app: two pay_status rows, each by its role');

-- A ready order for the illegal moves below, by staff.
SET LOCAL ROLE foodorder_tap2_staff;
SELECT is(foodorder.accept_order(:o_ready) AND foodorder.mark_ready(:o_ready), true,
    'staff accept and mark ready an order');
RESET ROLE;

SELECT results_eq(
    'SELECT id, status, pay_status FROM foodorder.orders ORDER BY id',
    format($$VALUES (%s::bigint, 'completed'::text, 'unpaid'::text), (%s, 'rejected', 'unpaid'),
                    (%s, 'cancelled', 'unpaid'), (%s, 'accepted', 'unpaid'), (%s, 'cancelled', 'unpaid'),
                    (%s, 'cancelled', 'unpaid'), (%s, 'placed', 'paid'), (%s, 'placed', 'refunded'),
                    (%s, 'ready', 'unpaid'), (%s, 'placed', 'unpaid')$$,
           :o_completed, :o_rejected, :o_cancelled, :o_accepted, :o_staff_cancel,
           :o_app_cancel, :o_paid, :o_refunded, :o_ready, :o_placed),
    'every order is in the state its moves led to, and no other order moved');

------------------------------------------------------------------------
-- Illegal moves: OR003 "cannot <verb> order N", detail "Order N is <state>."
------------------------------------------------------------------------

SELECT pg_temp.backdate();
SELECT pg_temp.written() AS before \gset

SELECT is(pg_temp.outcome(format('SELECT foodorder.accept_order(%s)', :o_completed)),
    pg_temp.or003('accept', :o_completed, 'completed'), 'accept a completed order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.accept_order(%s)', :o_ready)),
    pg_temp.or003('accept', :o_ready, 'ready'), 'accept a ready order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.accept_order(%s)', :o_cancelled)),
    pg_temp.or003('accept', :o_cancelled, 'cancelled'), 'accept a cancelled order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.accept_order(%s)', :o_rejected)),
    pg_temp.or003('accept', :o_rejected, 'rejected'), 'accept a rejected order: OR003');

SELECT is(pg_temp.outcome(format('SELECT foodorder.mark_ready(%s)', :o_placed)),
    pg_temp.or003('mark ready', :o_placed, 'placed'), 'mark_ready a placed order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.mark_ready(%s)', :o_completed)),
    pg_temp.or003('mark ready', :o_completed, 'completed'), 'mark_ready a completed order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.mark_ready(%s)', :o_cancelled)),
    pg_temp.or003('mark ready', :o_cancelled, 'cancelled'), 'mark_ready a cancelled order: OR003');

SELECT is(pg_temp.outcome(format('SELECT foodorder.complete_order(%s)', :o_accepted)),
    pg_temp.or003('complete', :o_accepted, 'accepted'), 'complete an accepted order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.complete_order(%s)', :o_placed)),
    pg_temp.or003('complete', :o_placed, 'placed'), 'complete a placed order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.complete_order(%s)', :o_rejected)),
    pg_temp.or003('complete', :o_rejected, 'rejected'), 'complete a rejected order: OR003');

SELECT is(pg_temp.outcome(format('SELECT foodorder.cancel_order(%s)', :o_completed)),
    pg_temp.or003('cancel', :o_completed, 'completed'), 'cancel a completed order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.cancel_order(%s)', :o_ready)),
    pg_temp.or003('cancel', :o_ready, 'ready'), 'cancel a ready order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.cancel_order(%s)', :o_rejected)),
    pg_temp.or003('cancel', :o_rejected, 'rejected'), 'cancel a rejected order: OR003');

SELECT is(pg_temp.outcome(format('SELECT foodorder.reject_order(%s)', :o_accepted)),
    pg_temp.or003('reject', :o_accepted, 'accepted'), 'reject an accepted order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.reject_order(%s)', :o_ready)),
    pg_temp.or003('reject', :o_ready, 'ready'), 'reject a ready order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.reject_order(%s)', :o_cancelled)),
    pg_temp.or003('reject', :o_cancelled, 'cancelled'), 'reject a cancelled order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.reject_order(%s)', :o_completed)),
    pg_temp.or003('reject', :o_completed, 'completed'), 'reject a completed order: OR003');

SELECT is(pg_temp.outcome(format('SELECT foodorder.refund_order(%s)', :o_placed)),
    pg_temp.or003('refund', :o_placed, 'unpaid'), 'refund an unpaid order: OR003, detail names pay_status');
SELECT is(pg_temp.outcome(format('SELECT foodorder.mark_paid(%s)', :o_cancelled)),
    pg_temp.or003('mark paid', :o_cancelled, 'cancelled'), 'mark_paid a cancelled order: OR003, detail names status');
SELECT is(pg_temp.outcome(format('SELECT foodorder.mark_paid(%s)', :o_rejected)),
    pg_temp.or003('mark paid', :o_rejected, 'rejected'), 'mark_paid a rejected order: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.mark_paid(%s)', :o_refunded)),
    pg_temp.or003('mark paid', :o_refunded, 'refunded'), 'mark_paid a refunded order: OR003');

SET LOCAL ROLE foodorder_tap2_app;
SELECT is(pg_temp.outcome(format('SELECT foodorder.mark_paid(%s)', :o_cancelled)),
    pg_temp.or003('mark paid', :o_cancelled, 'cancelled'), 'the app marking a cancelled order paid: OR003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.refund_order(%s)', :o_placed)),
    pg_temp.or003('refund', :o_placed, 'unpaid'), 'the app refunding an unpaid order: OR003');
RESET ROLE;

SELECT is(pg_temp.written(), :'before',
    'the illegal moves changed no order, dish, status_change or stock_change row');

------------------------------------------------------------------------
-- Who, by state: the customer and the app cancel only placed orders;
-- the customer never moves the payment.
------------------------------------------------------------------------

SET LOCAL ROLE foodorder_tap2_customer;
SELECT is(pg_temp.outcome(format('SELECT foodorder.cancel_order(%s)', :o_accepted)),
    pg_temp.or003('cancel', :o_accepted, 'accepted')
        || ' / hint: Only the restaurant can cancel an order that is accepted.',
    'the customer cancelling its accepted order: OR003 with the hint that only the restaurant can');
SELECT is(pg_temp.outcome(format('SELECT foodorder.cancel_order(%s)', :o_ready)),
    pg_temp.or003('cancel', :o_ready, 'ready'),
    'the customer cancelling its ready order: OR003, no hint (nobody can)');
SELECT is(pg_temp.outcome(format('SELECT foodorder.mark_paid(%s)', :o_placed)),
    '42501: permission denied for function mark_paid',
    'the customer cannot call mark_paid: 42501');
SELECT is(pg_temp.outcome(format('SELECT foodorder.refund_order(%s)', :o_paid)),
    '42501: permission denied for function refund_order',
    'the customer cannot call refund_order: 42501');
RESET ROLE;

SET LOCAL ROLE foodorder_tap2_app;
SELECT is(pg_temp.outcome(format('SELECT foodorder.cancel_order(%s)', :o_accepted)),
    pg_temp.or003('cancel', :o_accepted, 'accepted')
        || ' / hint: Only the restaurant can cancel an order that is accepted.',
    'the app cancelling an accepted order: OR003 with the hint');
RESET ROLE;

-- Even with EXECUTE granted by hand, the function itself refuses the customer.
GRANT EXECUTE ON FUNCTION foodorder.mark_paid(bigint, bigint, text) TO foodorder_tap2_customer;
GRANT EXECUTE ON FUNCTION foodorder.refund_order(bigint) TO foodorder_tap2_customer;
SET LOCAL ROLE foodorder_tap2_customer;
SELECT is(pg_temp.outcome(format('SELECT foodorder.mark_paid(%s)', :o_placed)),
    format('42501: permission denied to mark paid order %s / Only the app or the restaurant''s staff may do that; role "foodorder_tap2_customer" is not one of them.', :o_placed),
    'the customer with EXECUTE on mark_paid is still refused by it: 42501');
SELECT is(pg_temp.outcome(format('SELECT foodorder.refund_order(%s)', :o_paid)),
    format('42501: permission denied to refund order %s / Only the app or the restaurant''s staff may do that; role "foodorder_tap2_customer" is not one of them.', :o_paid),
    'the customer with EXECUTE on refund_order is still refused by it: 42501');
RESET ROLE;
REVOKE EXECUTE ON FUNCTION foodorder.mark_paid(bigint, bigint, text) FROM foodorder_tap2_customer;
REVOKE EXECUTE ON FUNCTION foodorder.refund_order(bigint) FROM foodorder_tap2_customer;

SELECT is(pg_temp.written(), :'before', 'the refused callers changed nothing');

------------------------------------------------------------------------
-- Repeats: already in the target state, false, nothing written.
------------------------------------------------------------------------

SELECT is(foodorder.accept_order(:o_accepted), false, 'accept an accepted order again: false');
SELECT is(pg_temp.written(), :'before', 'the repeated accept wrote nothing (no status_change, updated_at kept)');

SELECT is(foodorder.mark_ready(:o_ready), false, 'mark_ready a ready order again: false');
SELECT is(foodorder.complete_order(:o_completed), false, 'complete a completed order again: false');
SELECT is(foodorder.reject_order(:o_rejected), false, 'reject a rejected order again: false');
SELECT is(foodorder.cancel_order(:o_cancelled), false, 'cancel a cancelled order again: false');
SELECT is(foodorder.mark_paid(:o_paid), false, 'mark_paid a paid order again: false');
SELECT is(foodorder.refund_order(:o_refunded), false, 'refund a refunded order again: false');
SET LOCAL ROLE foodorder_tap2_customer;
SELECT is(foodorder.cancel_order(:o_cancelled), false, 'the customer cancelling its cancelled order again: false');
RESET ROLE;
SET LOCAL ROLE foodorder_tap2_staff;
SELECT is(foodorder.cancel_order(:o_staff_cancel), false, 'staff cancelling a cancelled order again: false');
RESET ROLE;
SET LOCAL ROLE foodorder_tap2_app;
SELECT is(foodorder.mark_paid(:o_paid), false, 'the app marking a paid order paid again: false');
RESET ROLE;
SELECT is(pg_temp.written(), :'before', 'the repeats wrote nothing');

------------------------------------------------------------------------
-- Unknown orders: 23503.  NULL: the functions are STRICT, so NULL.
------------------------------------------------------------------------

SELECT throws_ok('SELECT foodorder.accept_order(999999)', '23503', 'order 999999 does not exist',
    'accept_order of an unknown order: 23503');
SELECT throws_ok('SELECT foodorder.reject_order(999999)', '23503', 'order 999999 does not exist',
    'reject_order of an unknown order: 23503');
SELECT throws_ok('SELECT foodorder.mark_ready(999999)', '23503', 'order 999999 does not exist',
    'mark_ready of an unknown order: 23503');
SELECT throws_ok('SELECT foodorder.complete_order(999999)', '23503', 'order 999999 does not exist',
    'complete_order of an unknown order: 23503');
SELECT throws_ok('SELECT foodorder.cancel_order(999999)', '23503', 'order 999999 does not exist',
    'cancel_order of an unknown order: 23503');
SELECT throws_ok('SELECT foodorder.mark_paid(999999)', '23503', 'order 999999 does not exist',
    'mark_paid of an unknown order: 23503');
SELECT throws_ok('SELECT foodorder.refund_order(999999)', '23503', 'order 999999 does not exist',
    'refund_order of an unknown order: 23503');
SELECT throws_ok('SELECT foodorder.cancel_order(-1)', '23503', 'order -1 does not exist',
    'cancel_order of order -1: 23503');
SELECT throws_ok('SELECT foodorder.accept_order(9223372036854775807)', '23503',
    'order 9223372036854775807 does not exist', 'accept_order of order INT64_MAX: 23503');

SELECT is(foodorder.accept_order(NULL), NULL, 'accept_order(NULL) is NULL');
SELECT is(foodorder.reject_order(NULL), NULL, 'reject_order(NULL) is NULL');
SELECT is(foodorder.mark_ready(NULL), NULL, 'mark_ready(NULL) is NULL');
SELECT is(foodorder.complete_order(NULL), NULL, 'complete_order(NULL) is NULL');
SELECT is(foodorder.cancel_order(NULL), NULL, 'cancel_order(NULL) is NULL');
SELECT is(foodorder.mark_paid(NULL), NULL, 'mark_paid(NULL) is NULL');
SELECT is(foodorder.refund_order(NULL), NULL, 'refund_order(NULL) is NULL');
-- mark_paid's amount and reference may be NULL (1.3), so it checks order_id itself
SELECT ok(bool_and(p.proisstrict), 'the six lifecycle functions but mark_paid are declared STRICT')
  FROM pg_catalog.pg_proc p
 WHERE p.pronamespace = 'foodorder'::regnamespace
   AND p.proname IN ('accept_order', 'reject_order', 'mark_ready', 'complete_order',
                     'cancel_order', 'refund_order')
HAVING count(*) = 6;

SELECT is(pg_temp.written(), :'before', 'unknown and NULL orders wrote nothing');

------------------------------------------------------------------------
-- Payment moves on an order that moves on: a paid order can still be
-- cancelled and then refunded; status and pay_status are separate.
------------------------------------------------------------------------

SELECT is(foodorder.cancel_order(:o_paid), true, 'a paid placed order can be cancelled');
SELECT is(foodorder.refund_order(:o_paid), true, 'and then refunded');
SELECT results_eq(
    format('SELECT status, pay_status FROM foodorder.orders WHERE id = %s', :o_paid),
    $$VALUES ('cancelled'::text, 'refunded'::text)$$,
    'the cancelled order is refunded');
SELECT results_eq(
    format('SELECT field, from_value, to_value FROM foodorder.status_change
             WHERE order_id = %s ORDER BY id', :o_paid),
    $$VALUES ('pay_status'::text, 'unpaid'::text, 'paid'::text), ('status', 'placed', 'cancelled'),
             ('pay_status', 'paid', 'refunded')$$,
    'its history: paid, cancelled, refunded, in that order');

SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() finds nothing wrong after all the moves');

SELECT * FROM finish();
ROLLBACK;
