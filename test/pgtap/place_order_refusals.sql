-- Well-formed orders that place_order() refuses: 23503 (unknown customer,
-- dish, or an address that is not the customer's), OR001 (not enough stock),
-- OR002 (dish off sale), OR004 (request key used before for other lines),
-- 22023 (dishes of two restaurants, unknown pay method).  Each refusal
-- writes nothing.  A request key repeated with the same lines is not a
-- refusal: it returns the first order's id and writes nothing.
\ir include/fixture.psql
SELECT plan(64);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES
    (1, 'Kung Pao chicken', 2800, 2),
    (2, 'Mapo tofu', 1800, 10),
    (3, 'Steamed rice', 200, 100);
INSERT INTO foodorder.restaurant (id, name) VALUES (2, 'Noodle bar');
INSERT INTO foodorder.dish (id, restaurant_id, name, price_cents, stock, on_sale) VALUES
    (4, 1, 'Lobster', 9900, 5, false),
    (5, 2, 'Beef noodles', 1500, 10, true);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
INSERT INTO foodorder.address (id, customer_id, detail) VALUES (10, 1, 'Desk 3'), (20, 2, 'Room 5');
SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1], request_key => 'first');

-- The whole error of a statement: SQLSTATE, message, detail.
CREATE FUNCTION pg_temp.error_of(sql text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    state text; msg text; det text;
BEGIN
    EXECUTE sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN ARRAY[state, msg, det];
END
$$;

\ir include/written.psql

SELECT results_eq(
    'SELECT * FROM written ORDER BY what, id',
    $$VALUES ('dish', 1::bigint, 2::bigint, 0::bigint), ('dish', 2, 10, 0), ('dish', 3, 99, 1),
             ('dish', 4, 5, 0), ('dish', 5, 10, 0),
             ('order_item', 1, 1, 200), ('orders', 1, 1, 200)$$,
    'baseline: one order of one rice');
CREATE TEMP TABLE baseline AS SELECT * FROM written;

-- 23503: unknown customer.
SELECT throws_ok('SELECT foodorder.place_order(42, ARRAY[2], ARRAY[1])',
    '23503', 'customer 42 does not exist', 'unknown customer: 23503');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after an unknown customer');

SELECT throws_ok('SELECT foodorder.place_order(9223372036854775807, ARRAY[2], ARRAY[1])',
    '23503', NULL, 'customer id INT64_MAX: 23503');
SELECT throws_ok('SELECT foodorder.place_order(-1, ARRAY[2], ARRAY[1])',
    '23503', NULL, 'customer id -1: 23503');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after huge and negative customer ids');

SELECT throws_ok('SELECT foodorder.place_order(42, ARRAY[99], ARRAY[1])',
    '23503', 'customer 42 does not exist', 'an unknown customer is reported before an unknown dish');
SELECT throws_ok($$SELECT foodorder.place_order(42, ARRAY[2], ARRAY[1], request_key => 'first')$$,
    '23503', 'customer 42 does not exist', 'a request key of customer 1 does not matter for customer 42');

-- 23503: unknown dish.
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[99], ARRAY[1])',
    '23503', 'dish 99 does not exist', 'unknown dish: 23503');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after an unknown dish');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 99], ARRAY[1, 1])',
    '23503', 'dish 99 does not exist', 'a known and an unknown dish: 23503');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written (not even the known dish) after a known and an unknown dish');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[9223372036854775807], ARRAY[1])',
    '23503', NULL, 'dish id INT64_MAX: 23503');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[-1, 2], ARRAY[1, 1])',
    '23503', 'dish -1 does not exist', 'dish id -1: 23503');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after huge and negative dish ids');

-- The first failing dish in ascending id order is the one reported.
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[99, 1], ARRAY[1, 5])',
    'OR001', 'insufficient stock for dish 1', 'dish 1 short of stock is reported before unknown dish 99');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[98, 2, 97], ARRAY[1, 1, 1])',
    '23503', 'dish 97 does not exist', 'of two unknown dishes the lower id is reported');

-- OR001: not enough stock.
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[3])',
    'OR001', 'insufficient stock for dish 1', 'three of a dish with two left: OR001');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after insufficient stock');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 1], ARRAY[1, 3])',
    'OR001', 'insufficient stock for dish 1', 'one servable and one short line: OR001');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written (not even the servable line) after one short line');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1, 1], ARRAY[1, 2])',
    'OR001', 'insufficient stock for dish 1', 'the same dish twice, 1 + 2 with two left: OR001');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after the same dish twice past its stock');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1, 2, 1], ARRAY[1, 1, 2])',
    'OR001', 'insufficient stock for dish 1', 'the same dish twice, not adjacent, past its stock: OR001');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after the same dish twice (not adjacent) past its stock');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[3, 3, 3], ARRAY[33, 33, 34])',
    'OR001', 'insufficient stock for dish 3', 'the same dish three times, 100 with 99 left: OR001');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after 100 of a dish with 99 left');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[2147483647])',
    'OR001', NULL, 'quantity INT_MAX: OR001');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after quantity INT_MAX');

-- A dish sold out by an earlier order in the same transaction.
UPDATE foodorder.dish SET stock = 0 WHERE id = 2;
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1])',
    'OR001', 'insufficient stock for dish 2', 'a dish with stock 0: OR001');
UPDATE foodorder.dish SET stock = 10 WHERE id = 2;
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a sold-out dish');

-- OR002: a dish taken off the menu, even with stock; the detail names it.
SELECT is(pg_temp.error_of('SELECT foodorder.place_order(1, ARRAY[4], ARRAY[1])'),
    ARRAY['OR002', 'dish 4 is not on sale', 'Dish 4 (Lobster) has been taken off the menu.'],
    'a dish off sale: OR002, the detail names the dish');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1, 4], ARRAY[1, 1])',
    'OR002', 'dish 4 is not on sale', 'a servable dish and one off sale: OR002');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1, 4], ARRAY[5, 1])',
    'OR001', 'insufficient stock for dish 1',
    'dish 1 short of stock is reported before dish 4 off sale (ascending id order)');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a dish off sale');

-- 22023: dishes of two restaurants in one order.
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 5], ARRAY[1, 1])',
    '22023', 'an order cannot have dishes of more than one restaurant',
    'dishes of restaurants 1 and 2 in one order: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after dishes of two restaurants');

-- 23503: an address that is not the customer's, or none at all.
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], 20)',
    '23503', 'address 20 is not an address of customer 1',
    'another customer''s address: 23503');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], 999)',
    '23503', 'address 999 is not an address of customer 1', 'an unknown address: 23503');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after an address that is not the customer''s');

-- 22023: a pay method outside wechat, alipay, cash, card.
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], 10, 'bitcoin')$$,
    '22023', 'unknown pay method "bitcoin"', 'pay method bitcoin: 22023');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], 10, 'Card')$$,
    '22023', NULL, 'pay methods are case sensitive: Card is 22023');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], 10, '')$$,
    '22023', NULL, 'an empty pay method: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after an unknown pay method');

-- OR004: a request key used before by the same customer for other lines.
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], request_key => 'first')$$,
    'OR004', 'request key "first" of customer 1 was used for a different order',
    'request key reused for another dish: OR004');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a reused request key');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[3], ARRAY[2], request_key => 'first')$$,
    'OR004', NULL, 'request key reused for the same dish in another quantity: OR004');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[3, 2], ARRAY[1, 1], request_key => 'first')$$,
    'OR004', NULL, 'request key reused for the same line plus another: OR004');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after reusing a request key for other quantities or more lines');

-- The very same order again with its request key: the first order's id.
SELECT is(foodorder.place_order(1, ARRAY[3], ARRAY[1], NULL, NULL, 'first'),
    (SELECT id FROM foodorder.orders WHERE customer_id = 1 AND request_key = 'first'),
    'the very same order again with its request key returns the first order''s id');
SELECT is(foodorder.place_order(1, ARRAY[3], ARRAY[1], NULL, 'cash', 'first'),
    (SELECT id FROM foodorder.orders WHERE customer_id = 1 AND request_key = 'first'),
    'the same lines and key with another pay method also return the first order''s id');
SELECT is((SELECT pay_method FROM foodorder.orders WHERE customer_id = 1 AND request_key = 'first'),
    NULL, 'and do not change the first order');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after replaying the same order');

SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[99], ARRAY[1], request_key => 'first')$$,
    'OR004', NULL, 'a used request key is reported before an unknown dish');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[1], ARRAY[5], request_key => 'first')$$,
    'OR004', NULL, 'a used request key is reported before insufficient stock');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a used request key with a bad order');

-- Request keys are per customer and case sensitive; a refused order uses none up.
SELECT lives_ok($$SELECT foodorder.place_order(2, ARRAY[2], ARRAY[1], request_key => 'first')$$,
    'another customer may use the same request key');
SELECT lives_ok($$SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], request_key => 'FIRST')$$,
    'request keys are case sensitive');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[1], ARRAY[5], request_key => 'second')$$,
    'OR001', NULL, 'an order refused for stock with a new request key');
SELECT lives_ok($$SELECT foodorder.place_order(1, ARRAY[1], ARRAY[2], request_key => 'second')$$,
    'its request key is still free afterwards');
SELECT is(foodorder.place_order(1, ARRAY[1], ARRAY[2], request_key => 'second'),
    (SELECT id FROM foodorder.orders WHERE customer_id = 1 AND request_key = 'second'),
    'once the order is placed, the same call returns its id (although dish 1 is now sold out)');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], request_key => 'second')$$,
    'OR004', NULL, 'and other lines with that key are OR004');
SELECT results_eq(
    'SELECT customer_id, request_key FROM foodorder.orders ORDER BY id',
    $$VALUES (1::bigint, 'first'::text), (2, 'first'), (1, 'FIRST'), (1, 'second')$$,
    'exactly the accepted orders were written, with their request keys');
SELECT results_eq(
    $$SELECT * FROM written WHERE what = 'dish' ORDER BY id$$,
    $$VALUES ('dish', 1::bigint, 0::bigint, 2::bigint), ('dish', 2, 8, 2), ('dish', 3, 99, 1),
             ('dish', 4, 5, 0), ('dish', 5, 10, 0)$$,
    'and only they changed stock and sold');

SELECT * FROM finish();
ROLLBACK;
