-- Pickup numbers (orders.pickup_no): a letter and three digits from the
-- restaurant's own sequence, per restaurant, the next letter after
-- open_day(), a gap after a rolled-back order, and none from the 1.2.1
-- entry points the library keeps for databases not yet updated.
\ir include/fixture.psql
SELECT plan(18);

SELECT foodorder.add_dish(1, 'Kung Pao chicken', 2800, 100) AS chicken \gset
SELECT foodorder.add_restaurant('Noodle bar') AS r2 \gset
SELECT foodorder.add_dish(:r2, 'Beef noodles', 2200, 100) AS noodles \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset
UPDATE foodorder.dish SET daily_stock = 100 WHERE id = :chicken;

-- the order's pickup number
CREATE FUNCTION pg_temp.pickup(order_id bigint) RETURNS text LANGUAGE sql AS
$$SELECT pickup_no FROM foodorder.orders WHERE id = order_id$$;

SELECT has_column('foodorder', 'orders', 'pickup_no', 'orders has pickup_no');
SELECT col_type_is('foodorder', 'orders', 'pickup_no', 'text', 'pickup_no is text');

------------------------------------------------------------------------
-- The format: the letter of each 999 numbers and the digits
------------------------------------------------------------------------
SELECT results_eq(
    $$SELECT foodorder.pickup_no_format(n) FROM unnest(ARRAY[1, 23, 999, 1000, 1998, 1999, 25974]::bigint[]) n$$,
    $$VALUES ('A001'), ('A023'), ('A999'), ('B001'), ('B999'), ('C001'), ('Z999')$$,
    'pickup_no_format: 1 is A001, 999 A999, 1000 B001, 25974 Z999');
SELECT is(
    (SELECT row(seqmin, seqmax, seqcycle)::text FROM pg_catalog.pg_sequence
      WHERE seqrelid = format('foodorder.pickup_no_%s', :r2)::regclass),
    '(1,25974,t)',
    'add_restaurant made the restaurant''s sequence: 1 to 25974 (A001 to Z999), cycling');

------------------------------------------------------------------------
-- Per restaurant, in the order's INSERT
------------------------------------------------------------------------
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o1 \gset
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o2 \gset
SELECT foodorder.place_order(:c1, ARRAY[:noodles]::bigint[], ARRAY[1]) AS o3 \gset
SELECT foodorder.cart_set(:c1, :noodles, 2);
SELECT foodorder.place_order_from_cart(:c1) AS o4 \gset

SELECT results_eq(
    format('SELECT id, restaurant_id, pickup_no FROM foodorder.orders WHERE id IN (%s, %s, %s, %s) ORDER BY id',
           :o1, :o2, :o3, :o4),
    format('VALUES (%s::bigint, 1::bigint, %L::text), (%s, 1, %L), (%s, %s, %L), (%s, %s, %L)',
           :o1, 'A001', :o2, 'A002', :o3, :r2, 'A001', :o4, :r2, 'A002'),
    'each restaurant numbers its orders from A001, place_order and the cart alike');
SELECT is(
    (SELECT pickup_no FROM foodorder.customer_orders(:c1) WHERE id = :o3),
    'A001', 'customer_orders shows pickup_no');
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1], request_key => 'k1') AS o5 \gset
SELECT is(foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1], request_key => 'k1'), :o5::bigint,
    'a repeated request key returns the first order');
SELECT is(pg_temp.pickup(:o5), 'A003', 'which keeps its pickup number');

------------------------------------------------------------------------
-- A rolled-back order leaves a gap
------------------------------------------------------------------------
SAVEPOINT before_gap;
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS rolled_back \gset
SELECT is(pg_temp.pickup(:rolled_back), 'A005', 'an order takes A005 (the repeated key took A004)');
ROLLBACK TO SAVEPOINT before_gap;
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o6 \gset
SELECT is(pg_temp.pickup(:o6), 'A006', 'after it rolled back, the next order is A006: A005 is a gap');
SELECT is(
    (SELECT pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s]::bigint[], ARRAY[1000])',
                                   :c1, :chicken)) LIKE 'OR001:%'),
    true, 'an order refused for stock (OR001) ...');
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o7 \gset
SELECT is(pg_temp.pickup(:o7), 'A008',
    '... leaves a gap too (A007): its row is written before the dishes are checked');

------------------------------------------------------------------------
-- open_day: the next letter, once
------------------------------------------------------------------------
SELECT foodorder.open_day(1);
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o8 \gset
SELECT is(pg_temp.pickup(:o8), 'B001', 'after open_day the restaurant''s numbers start at B001');
SELECT foodorder.place_order(:c1, ARRAY[:noodles]::bigint[], ARRAY[1]) AS o9 \gset
SELECT is(pg_temp.pickup(:o9), 'A003', 'another restaurant''s numbers go on (A003)');
SELECT foodorder.open_day(:r2);
SELECT foodorder.open_day(:r2);
SELECT foodorder.place_order(:c1, ARRAY[:noodles]::bigint[], ARRAY[1]) AS o10 \gset
SELECT is(pg_temp.pickup(:o10), 'B001',
    'open_day twice with no order between moves one letter, not two (B001)');
SELECT setval(format('foodorder.pickup_no_%s', :r2), 25974);
SELECT foodorder.open_day(:r2);
SELECT foodorder.place_order(:c1, ARRAY[:noodles]::bigint[], ARRAY[1]) AS o11 \gset
SELECT is(pg_temp.pickup(:o11), 'A001', 'after Z the next day is A again');

------------------------------------------------------------------------
-- 1.2.1's entry points (place_order_1_2, place_order_from_cart_1_2):
-- no number, the sequence untouched
------------------------------------------------------------------------
CREATE FUNCTION pg_temp.place_order_1_2(bigint, bigint[], integer[], bigint DEFAULT NULL,
                                        text DEFAULT NULL, text DEFAULT NULL)
RETURNS bigint AS '$libdir/foodorder', 'place_order_1_2' LANGUAGE C VOLATILE;
CREATE FUNCTION pg_temp.place_order_from_cart_1_2(bigint, bigint DEFAULT NULL,
                                                  text DEFAULT NULL, text DEFAULT NULL)
RETURNS bigint AS '$libdir/foodorder', 'place_order_from_cart_1_2' LANGUAGE C VOLATILE;
SELECT pg_temp.place_order_1_2(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS old1 \gset
SELECT foodorder.cart_set(:c1, :chicken, 1);
SELECT pg_temp.place_order_from_cart_1_2(:c1) AS old2 \gset
SELECT results_eq(
    format('SELECT pickup_no, total_count FROM foodorder.orders WHERE id IN (%s, %s) ORDER BY id', :old1, :old2),
    $$VALUES (NULL::text, 1), (NULL, 1)$$,
    'the 1.2.1 entry points write orders without a pickup number');
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o12 \gset
SELECT is(pg_temp.pickup(:o12), 'B002', 'and take none: the next 1.3 order is B002');

SELECT * FROM finish();
ROLLBACK;
