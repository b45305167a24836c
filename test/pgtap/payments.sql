-- Payments (1.3): mark_paid records the amount and the provider's
-- reference, refuses a wrong amount (OR006), is idempotent by reference;
-- refund_order records the amount; verify() checks both; who may pay.
\ir include/fixture.psql
SELECT plan(23);

SELECT foodorder.add_dish(1, 'Kung Pao chicken', 2800, 100) AS d1 \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset
SELECT foodorder.add_customer('Han Meimei') AS c2 \gset
CREATE ROLE foodorder_tap_pay_customer NOLOGIN;
CREATE ROLE foodorder_tap_pay_app NOLOGIN;
SELECT foodorder.grant_customer('foodorder_tap_pay_customer', :c1) \gset
SELECT foodorder.grant_app('foodorder_tap_pay_app') \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o1 \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o2 \gset
SELECT foodorder.place_order(:c1, ARRAY[:d1]::bigint[], ARRAY[1]) AS o3 \gset
SELECT foodorder.place_order(:c2, ARRAY[:d1]::bigint[], ARRAY[1]) AS o4 \gset

-- What a payment call may write, as one value.
CREATE FUNCTION pg_temp.written() RETURNS text LANGUAGE sql AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(concat_ws(',', id, pay_status, updated_at), ';' ORDER BY id) FROM foodorder.orders),
        (SELECT string_agg(concat_ws(',', id, order_id, kind, amount_cents, reference), ';' ORDER BY id)
           FROM foodorder.payment),
        (SELECT count(*) FROM foodorder.status_change)))
$$;

SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format($$SELECT foodorder.mark_paid(%s, 2799, 'r1')$$, :o1)),
    format('OR006: wrong amount for order %s / Order %s is due 2800 cents; the payment is 2799 cents. / hint: Only full payments are recorded.', :o1, :o1),
    'a wrong amount: OR006 naming both amounts');
SELECT is(pg_temp.outcome(format($$SELECT foodorder.mark_paid(%s, -1, 'r1')$$, :o1)),
    '22023: amount_cents must not be negative / The amount given is -1 cents.',
    'a negative amount: 22023');
SELECT is(pg_temp.outcome(format($$SELECT foodorder.mark_paid(%s, 2800, repeat('x', 201))$$, :o1)),
    '22001: reference may have at most 200 characters / The reference given has 201.',
    'a reference of 201 characters: 22001');
SELECT is(pg_temp.outcome(format($$SELECT foodorder.mark_paid(%s, 2800, '')$$, :o1)),
    '22023: reference must not be empty / hint: Pass NULL for a payment without a provider''s reference.',
    'an empty reference: 22023');
SELECT is(pg_temp.written(), :'before', 'the refused calls wrote nothing');

SELECT is(foodorder.mark_paid(:o1, 2800, 'r1'), true, 'the total with a reference: paid');
SELECT results_eq(format('SELECT kind, amount_cents, reference FROM foodorder.payment WHERE order_id = %s', :o1),
    $$VALUES ('paid'::text, 2800::bigint, 'r1'::text)$$, 'one payment row: paid, 2800, r1');
SELECT pg_temp.written() AS before \gset
SELECT is(foodorder.mark_paid(:o1, 2800, 'r1'), true, 'the same call again (a retried callback): true');
SELECT is(pg_temp.written(), :'before', 'and it wrote nothing');
SELECT is(pg_temp.outcome(format($$SELECT foodorder.mark_paid(%s, 2800, 'r2')$$, :o1)),
    format('OR003: cannot mark paid order %s / Order %s is paid already, not with reference "r2".', :o1, :o1),
    'another reference on a paid order: OR003');
SELECT is(pg_temp.outcome(format($$SELECT foodorder.mark_paid(%s, 2800, 'r1')$$, :o2)),
    format('OR006: payment reference "r1" is used already / Another order''s payment has that reference; order %s was not marked paid.', :o2),
    'the reference of another order''s payment: OR006');
SELECT is(foodorder.mark_paid(:o1), false, 'the 1.2 call on a paid order: false, as in 1.2');
SELECT is(foodorder.mark_paid(:o2), true, 'the 1.2 call (no amount, no reference) pays the total');
SELECT is(foodorder.mark_paid(:o3, NULL, 'r3'), true, 'no amount with a reference: the total');
SELECT is(foodorder.mark_paid(NULL, 2800, 'r9'), NULL, 'mark_paid of a NULL order is NULL');

SELECT is(foodorder.refund_order(:o1), true, 'refund_order: refunded');
SELECT results_eq(format($$SELECT amount_cents FROM foodorder.payment WHERE order_id = %s AND kind = 'refunded'$$, :o1),
    $$VALUES (2800::bigint)$$, 'the refund row has the amount paid');
SELECT is(foodorder.mark_paid(:o1, 2800, 'r1'), true, 'the paid callback retried after the refund: true, nothing moved');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() agrees with the payments');

-- RLS: a customer sees the payments of its own orders only.
SET LOCAL ROLE foodorder_tap_pay_app;
SELECT foodorder.mark_paid(:o4, 2800, 'r4') AS app_paid \gset
SET LOCAL ROLE foodorder_tap_pay_customer;
SELECT results_eq('SELECT count(*) FILTER (WHERE order_id = ' || :o4 || '), count(*) FROM foodorder.payment',
    $$VALUES (0::bigint, 4::bigint)$$, 'the customer sees its own four payment rows and not another customer''s');
RESET ROLE;

-- Staff of another restaurant: no payment of restaurant 1 seen, and a
-- retry with a reference it learnt neither confirms it nor pays.
SELECT foodorder.add_restaurant('Other kitchen', 0) AS r2 \gset
CREATE ROLE foodorder_tap_pay_staff2 NOLOGIN;
SELECT foodorder.grant_staff('foodorder_tap_pay_staff2', :r2) \gset
SELECT pg_temp.written() AS before_staff2 \gset
SET LOCAL ROLE foodorder_tap_pay_staff2;
SELECT is_empty('SELECT * FROM foodorder.payment', 'staff of another restaurant sees no payment of restaurant 1');
SELECT matches(pg_temp.outcome(format($$SELECT foodorder.mark_paid(%s, 2800, 'r4')$$, :o4)),
    '^42501: permission denied', 'staff of another restaurant retrying a known reference: 42501, not true');
RESET ROLE;
SELECT is(pg_temp.written(), :'before_staff2', '... and nothing was written');
SELECT * FROM finish();
ROLLBACK;
