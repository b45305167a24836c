-- Order numbers (FO and the zero-padded id, unique however fast one
-- customer orders) and delivery fees (the restaurant's fee, once per
-- order, only with an address, kept by the order when the fee changes).
\ir include/fixture.psql
SELECT plan(24);

SELECT foodorder.add_dish(1, 'Kung Pao chicken', 2800, 100) AS chicken \gset
SELECT foodorder.add_restaurant('Noodle bar', 500) AS r2 \gset
SELECT foodorder.add_dish(:r2, 'Beef noodles', 2200, 100) AS noodles \gset
SELECT foodorder.add_dish(:r2, 'Cold noodles', 1500, 100) AS cold \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset
SELECT foodorder.add_customer('Han Meimei') AS c2 \gset
SELECT foodorder.add_address(:c1, 'Room 12') AS a1 \gset

------------------------------------------------------------------------
-- Order numbers
------------------------------------------------------------------------

SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o1 \gset
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o2 \gset
SELECT foodorder.place_order(:c2, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o3 \gset

SELECT results_eq(
    'SELECT id, order_no FROM foodorder.orders ORDER BY id',
    $$SELECT id, 'FO' || lpad(id::text, 8, '0') FROM foodorder.orders ORDER BY id$$,
    'order_no is FO and the id padded to 8 digits');
SELECT is((SELECT order_no FROM foodorder.orders WHERE id = :o1), format('FO%s', lpad(:o1::text, 8, '0')),
    'the first order''s number, literally');
SELECT results_eq(
    format('SELECT count(DISTINCT order_no)::int, count(DISTINCT created_at)::int FROM foodorder.orders
             WHERE customer_id = %s', :c1),
    'VALUES (2, 1)',
    'two orders of one customer at the same instant (one transaction) have two numbers');
SELECT col_is_unique('foodorder', 'orders', ARRAY['order_no'], 'order_no has a unique constraint');
SELECT is(
    (SELECT contype::text FROM pg_catalog.pg_constraint
      WHERE conrelid = 'foodorder.orders'::regclass AND conname = 'orders_order_no_key'),
    'u', 'the unique constraint is orders_order_no_key');
SELECT is(
    (SELECT attgenerated::text FROM pg_catalog.pg_attribute
      WHERE attrelid = 'foodorder.orders'::regclass AND attname = 'order_no'),
    's', 'order_no is a stored generated column');
SELECT throws_ok(
    format($$INSERT INTO foodorder.orders (customer_id, restaurant_id, total_count, total_cents, order_no)
             VALUES (%s, 1, 1, 100, 'FO00000001')$$, :c1),
    '428C9', NULL, 'order_no cannot be written by hand, not even by the owner');

-- Ids of 9 and more digits print in full: not cut to 8 as lpad() alone would.
INSERT INTO foodorder.orders (id, customer_id, restaurant_id, total_count, total_cents)
VALUES (99999999, :c1, 1, 1, 0), (100000000, :c1, 1, 1, 0), (123456789012, :c1, 1, 1, 0);
SELECT results_eq(
    'SELECT order_no FROM foodorder.orders WHERE id >= 99999999 ORDER BY id',
    $$VALUES ('FO99999999'::text), ('FO100000000'), ('FO123456789012')$$,
    'ids of 8, 9 and 12 digits: FO99999999, FO100000000, FO123456789012');
DELETE FROM foodorder.orders WHERE id >= 99999999;

------------------------------------------------------------------------
-- Delivery fees
------------------------------------------------------------------------

-- Two dishes of the noodle bar to an address: its fee, once.
SELECT foodorder.place_order(:c1, ARRAY[:noodles, :cold]::bigint[], ARRAY[2, 1], :a1, NULL, 'fee-1') AS f1 \gset
SELECT results_eq(
    format('SELECT restaurant_id, total_count, delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f1),
    format('VALUES (%s::bigint, 3, 500, 6400::bigint)', :r2),
    'with an address: delivery_fee_cents 500 stored once, total = 2 * 2200 + 1500 + 500');
SELECT is(
    (SELECT sum(quantity::bigint * price_cents) FROM foodorder.order_item WHERE order_id = :f1), 5900::numeric,
    'the fee is not in the lines, only in the total');

-- Without an address: no fee.
SELECT foodorder.place_order(:c1, ARRAY[:noodles]::bigint[], ARRAY[1]) AS f2 \gset
SELECT results_eq(
    format('SELECT delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f2),
    'VALUES (0, 2200::bigint)',
    'without an address: fee 0, total = the lines');

-- A restaurant without a fee, to an address.
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1], :a1) AS f3 \gset
SELECT results_eq(
    format('SELECT delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f3),
    'VALUES (0, 2800::bigint)',
    'the default restaurant has no fee: 0 even with an address');

-- From the cart, to an address.
SELECT foodorder.cart_set(:c1, :cold, 2) \gset
SELECT foodorder.place_order_from_cart(:c1, :a1) AS f4 \gset
SELECT results_eq(
    format('SELECT delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f4),
    'VALUES (500, 3500::bigint)',
    'a cart order to an address pays the fee too: 2 * 1500 + 500');
SELECT foodorder.cart_set(:c1, :cold, 1) \gset
SELECT foodorder.place_order_from_cart(:c1) AS f5 \gset
SELECT results_eq(
    format('SELECT delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f5),
    'VALUES (0, 1500::bigint)',
    'a cart order without an address does not');

-- The fee changes: orders keep theirs, new orders pay the new one.
SELECT foodorder.set_delivery_fee(:r2, 800) \gset
SELECT results_eq(
    format('SELECT id, delivery_fee_cents, total_cents FROM foodorder.orders WHERE id IN (%s, %s, %s) ORDER BY id',
           :f1, :f2, :f4),
    format('VALUES (%s::bigint, 500, 6400::bigint), (%s, 0, 2200), (%s, 500, 3500)', :f1, :f2, :f4),
    'after set_delivery_fee 800, existing orders keep their fee and total');
SELECT foodorder.place_order(:c1, ARRAY[:noodles]::bigint[], ARRAY[1], :a1) AS f6 \gset
SELECT results_eq(
    format('SELECT delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f6),
    'VALUES (800, 3000::bigint)',
    'a new order to an address pays the new fee: 2200 + 800');
SELECT is(
    foodorder.place_order(:c1, ARRAY[:noodles, :cold]::bigint[], ARRAY[2, 1], :a1, NULL, 'fee-1'), :f1::bigint,
    'a retry of the first order with its request key returns it');
SELECT results_eq(
    format('SELECT delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f1),
    'VALUES (500, 6400::bigint)',
    'and the retry did not charge it the new fee');
SELECT foodorder.set_delivery_fee(:r2, 0) \gset
SELECT foodorder.place_order(:c1, ARRAY[:noodles]::bigint[], ARRAY[1], :a1) AS f7 \gset
SELECT results_eq(
    format('SELECT delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f7),
    'VALUES (0, 2200::bigint)',
    'with the fee set back to 0, an order to an address pays none');

-- The fee is the restaurant's, not the customer's or address's: the
-- price changes of the lines do not move it either.
SELECT foodorder.set_price(:noodles, 2500) \gset
SELECT results_eq(
    format('SELECT delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f6),
    'VALUES (800, 3000::bigint)',
    'a later price change leaves the order''s fee and total alone');

-- A cancelled order keeps its fee and total (nothing is recomputed).
SELECT foodorder.cancel_order(:f6) \gset
SELECT results_eq(
    format('SELECT status, delivery_fee_cents, total_cents FROM foodorder.orders WHERE id = %s', :f6),
    $$VALUES ('cancelled'::text, 800, 3000::bigint)$$,
    'a cancelled order keeps its fee and total');

SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty: every total is lines + fee');
SELECT is_empty(
    $$SELECT id FROM foodorder.orders WHERE (address_id IS NULL) AND delivery_fee_cents <> 0$$,
    'no order without an address has a fee');
SELECT results_eq(
    'SELECT count(*)::int, count(DISTINCT order_no)::int FROM foodorder.orders',
    'SELECT count(*)::int, count(*)::int FROM foodorder.orders',
    'every order placed in this transaction has its own number');

SELECT * FROM finish();
ROLLBACK;
