-- The documented limits (1.2): an order of at most 100 lines (54000 before
-- any dish is locked, also from the cart), a cart of at most 100 lines
-- (54000), a request key of at most 100 characters, names of 200, an address
-- of 500 and its label of 50 (22001).  Each holds at the limit, refuses one
-- past it, counts characters rather than bytes, and writes nothing when it
-- refuses, for an app role as for the owner.
\ir include/fixture.psql
SELECT plan(35);

INSERT INTO foodorder.dish (id, name, price_cents, stock)
SELECT g, 'dish ' || g, 100, 5 FROM generate_series(1, 102) AS g;
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
SELECT setval(pg_get_serial_sequence('foodorder.dish', 'id'), 102),
       setval(pg_get_serial_sequence('foodorder.customer', 'id'), 2);
CREATE ROLE foodorder_tap_limits_app;
SELECT foodorder.grant_app('foodorder_tap_limits_app');

-- The message or the detail of the error a statement raises.
CREATE FUNCTION pg_temp.error_message(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE msg text;
BEGIN
    EXECUTE sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
    RETURN msg;
END
$$;
CREATE FUNCTION pg_temp.error_detail(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE det text;
BEGIN
    EXECUTE sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS det = PG_EXCEPTION_DETAIL;
    RETURN det;
END
$$;

\ir include/written.psql
CREATE TEMP TABLE baseline AS SELECT * FROM written;
CREATE TEMP VIEW carts AS
SELECT customer_id, count(*) AS lines, sum(quantity) AS portions
  FROM foodorder.cart_item GROUP BY customer_id;
GRANT SELECT ON written, carts TO foodorder_tap_limits_app;

-- Lines of an order.
SELECT throws_ok(
    $$SELECT foodorder.place_order(1, (SELECT array_agg(g::bigint) FROM generate_series(1, 101) AS g),
                                   array_fill(1, ARRAY[101]))$$,
    '54000', 'an order may have at most 100 lines', '101 dishes: 54000');
SELECT throws_ok(
    $$SELECT foodorder.place_order(1, array_fill(7::bigint, ARRAY[101]), array_fill(1, ARRAY[101]))$$,
    '54000', 'an order may have at most 100 lines',
    'one dish named 101 times: 54000 (the limit is on what the call names, before merging)');
SELECT throws_ok(
    $$SELECT foodorder.place_order(1, array_fill(7::bigint, ARRAY[100000]), array_fill(1, ARRAY[100000]))$$,
    '54000', 'an order may have at most 100 lines', '100,000 dishes: 54000');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after orders of too many lines');

-- Refused before any table is read, so before any dish is locked: an
-- unknown customer and unknown dishes would be 23503 if they were looked up.
SELECT throws_ok(
    $$SELECT foodorder.place_order(42, (SELECT array_agg(g::bigint) FROM generate_series(1001, 1101) AS g),
                                   array_fill(1, ARRAY[101]))$$,
    '54000', NULL, '101 unknown dishes for an unknown customer: 54000, not 23503');

SELECT lives_ok(
    $$SELECT foodorder.place_order(1, (SELECT array_agg(g::bigint) FROM generate_series(1, 100) AS g),
                                   array_fill(1, ARRAY[100]))$$,
    'an order of exactly 100 lines is placed');
SELECT is((SELECT count(*) FROM foodorder.order_item), 100::bigint, 'with its 100 lines');
CREATE TEMP TABLE after_big AS SELECT * FROM written;

-- The request key.
SELECT throws_ok(
    $$SELECT foodorder.place_order(1, ARRAY[101], ARRAY[1], request_key => repeat('k', 101))$$,
    '22001', 'request_key may have at most 100 characters', 'a request key of 101 characters: 22001');
SELECT throws_ok(
    $$SELECT foodorder.place_order_from_cart(1, request_key => repeat('k', 1048576))$$,
    '22001', 'request_key may have at most 100 characters', 'a megabyte request key for the cart order: 22001');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM after_big ORDER BY what, id',
    'nothing written after request keys too long');
SELECT lives_ok(
    $$SELECT foodorder.place_order(2, ARRAY[101], ARRAY[1], request_key => repeat('支', 100))$$,
    'a request key of 100 characters (300 bytes in UTF-8) is accepted: characters are counted');
SELECT is(
    (SELECT char_length(request_key) FROM foodorder.orders WHERE customer_id = 2),
    100, 'and stored whole');

-- An unknown pay method is named in the error, cut short.
SELECT is(
    (SELECT char_length(m) < 80 FROM (SELECT pg_temp.error_message(
        $$SELECT foodorder.place_order(1, ARRAY[101], ARRAY[1], pay_method => repeat('x', 1048576))$$)) AS e(m)),
    true, 'a megabyte pay method: the error message quotes at most 20 bytes of it');

-- The cart.
SET ROLE foodorder_tap_limits_app;
SELECT lives_ok(
    $$SELECT count(foodorder.cart_set(1, g, 1)) FROM generate_series(1, 100) AS g$$,
    'the app fills a cart with 100 dishes');
SELECT throws_ok(
    $$SELECT foodorder.cart_set(1, 101, 1)$$,
    '54000', 'a cart may have at most 100 lines', 'a 101st dish in the cart: 54000');
SELECT lives_ok($$SELECT foodorder.cart_set(1, 100, 3)$$,
    'a full cart still takes a new quantity of a dish it has');
SELECT lives_ok($$SELECT foodorder.cart_set(1, 100, 0)$$, 'and gives a line up');
SELECT lives_ok($$SELECT foodorder.cart_set(1, 101, 1)$$, 'which makes room for another dish');
SELECT results_eq('SELECT lines, portions FROM carts WHERE customer_id = 1',
    $$VALUES (100::bigint, 100::bigint)$$, 'the cart holds 100 lines of one portion');
RESET ROLE;

-- A cart of more lines, written around cart_set (by the owner), is still
-- refused by the cart order, which keeps the cart.
INSERT INTO foodorder.cart_item (customer_id, dish_id, quantity) VALUES (1, 100, 1);
CREATE TEMP TABLE before_cart AS SELECT * FROM written;
GRANT SELECT ON before_cart TO foodorder_tap_limits_app;
SET ROLE foodorder_tap_limits_app;
SELECT throws_ok(
    $$SELECT foodorder.place_order_from_cart(1)$$,
    '54000', 'an order may have at most 100 lines', 'a cart order of 101 lines: 54000');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM before_cart ORDER BY what, id',
    'nothing written after the cart order of 101 lines');
SELECT results_eq('SELECT lines FROM carts WHERE customer_id = 1', $$VALUES (101::bigint)$$,
    'the cart is kept');
RESET ROLE;

-- Names and addresses.
SET ROLE foodorder_tap_limits_app;
SELECT throws_ok($$SELECT foodorder.add_customer(repeat('n', 201))$$,
    '22001', 'name may have at most 200 characters', 'a customer name of 201 characters: 22001');
SELECT throws_ok($$SELECT foodorder.add_customer(repeat('n', 1048576))$$,
    '22001', 'name may have at most 200 characters', 'a megabyte customer name: 22001');
SELECT lives_ok($$SELECT foodorder.add_customer(repeat('名', 200))$$,
    'a customer name of 200 characters is accepted');
SELECT throws_ok($$SELECT foodorder.add_address(1, repeat('a', 501))$$,
    '22001', 'detail may have at most 500 characters', 'an address of 501 characters: 22001');
SELECT throws_ok($$SELECT foodorder.add_address(1, 'Desk 3', repeat('l', 51))$$,
    '22001', 'label may have at most 50 characters', 'a label of 51 characters: 22001');
SELECT lives_ok($$SELECT foodorder.add_address(1, repeat('址', 500), repeat('l', 50))$$,
    'an address of 500 characters with a label of 50 is accepted');
RESET ROLE;
SELECT throws_ok($$SELECT foodorder.add_restaurant(repeat('r', 201))$$,
    '22001', 'name may have at most 200 characters', 'a restaurant name of 201 characters: 22001');
SELECT throws_ok($$SELECT foodorder.add_dish(1, repeat('d', 201), 100)$$,
    '22001', 'name may have at most 200 characters', 'a dish name of 201 characters: 22001');
SELECT lives_ok($$SELECT foodorder.add_restaurant(repeat('r', 200))$$,
    'a restaurant name of 200 characters is accepted');
SELECT lives_ok($$SELECT foodorder.add_dish(1, repeat('d', 200), 100)$$,
    'a dish name of 200 characters is accepted');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM foodorder.customer), (SELECT count(*) FROM foodorder.address),
             (SELECT count(*) FROM foodorder.restaurant), (SELECT count(*) FROM foodorder.dish)$$,
    $$VALUES (3::bigint, 1::bigint, 2::bigint, 103::bigint)$$,
    'only the accepted names and addresses were written');

-- The error names the limit and what was given.
SELECT is(pg_temp.error_detail($$SELECT foodorder.add_address(1, repeat('a', 501))$$),
    'The detail given has 501.', 'the detail of 22001 says how long the value was');
SELECT is(pg_temp.error_detail(
    $$SELECT foodorder.place_order(1, array_fill(7::bigint, ARRAY[100000]), array_fill(1, ARRAY[100000]))$$),
    'The dishes array has 100000.', 'the detail of 54000 says how many lines were given');

SELECT * FROM finish();
ROLLBACK;
