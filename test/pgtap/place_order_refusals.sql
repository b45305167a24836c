-- Well-formed orders that place_order() refuses: 23503 (unknown customer or
-- dish), OR001 (not enough stock), 23505 (request key used before).  Each
-- refusal writes nothing.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION foodorder;
SELECT plan(45);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES
    (1, 'Kung Pao chicken', 2800, 2),
    (2, 'Mapo tofu', 1800, 10),
    (3, 'Steamed rice', 200, 100);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1], request_key => 'first');

\ir include/written.psql

SELECT results_eq(
    'SELECT * FROM written ORDER BY what, id',
    $$VALUES ('dish', 1::bigint, 2::bigint, 0::bigint), ('dish', 2, 10, 0), ('dish', 3, 99, 1),
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

-- 23505: a request key used before by the same customer.
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], request_key => 'first')$$,
    '23505', 'request key "first" was already used by customer 1', 'reused request key: 23505');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a reused request key');

SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1], NULL, NULL, 'first')$$,
    '23505', NULL, 'the very same order again with its request key: 23505');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after replaying the same order');

SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[99], ARRAY[1], request_key => 'first')$$,
    '23505', NULL, 'a used request key is reported before an unknown dish');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[1], ARRAY[5], request_key => 'first')$$,
    '23505', NULL, 'a used request key is reported before insufficient stock');
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
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[1], ARRAY[2], request_key => 'second')$$,
    '23505', NULL, 'and used once the order is placed');
SELECT results_eq(
    'SELECT customer_id, request_key FROM foodorder.orders ORDER BY id',
    $$VALUES (1::bigint, 'first'::text), (2, 'first'), (1, 'FIRST'), (1, 'second')$$,
    'exactly the accepted orders were written, with their request keys');
SELECT results_eq(
    $$SELECT * FROM written WHERE what = 'dish' ORDER BY id$$,
    $$VALUES ('dish', 1::bigint, 0::bigint, 2::bigint), ('dish', 2, 8, 2), ('dish', 3, 99, 1)$$,
    'and only they changed stock and sold');

SELECT * FROM finish();
ROLLBACK;
