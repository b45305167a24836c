-- place_order() rejects malformed input before touching any table:
-- 22004 for NULLs, 22023 for bad arrays and quantities; nothing is written.
\ir include/fixture.psql
SELECT plan(51);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES
    (1, 'Kung Pao chicken', 2800, 2),
    (2, 'Mapo tofu', 1800, 10),
    (3, 'Steamed rice', 200, 100);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei');
SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1], request_key => 'first');

\ir include/written.psql

SELECT results_eq(
    'SELECT * FROM written ORDER BY what, id',
    $$VALUES ('dish', 1::bigint, 2::bigint, 0::bigint), ('dish', 2, 10, 0), ('dish', 3, 99, 1),
             ('order_item', 1, 1, 200), ('orders', 1, 1, 200)$$,
    'baseline: one order of one rice');
CREATE TEMP TABLE baseline AS SELECT * FROM written;

-- 22004: NULL arguments and NULL elements.
SELECT throws_ok('SELECT foodorder.place_order(NULL, ARRAY[1], ARRAY[1])',
    '22004', 'customer must not be null', 'NULL customer: 22004');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a NULL customer');

SELECT throws_ok('SELECT foodorder.place_order(1, NULL, ARRAY[1])',
    '22004', 'dishes must not be null', 'NULL dishes array: 22004');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a NULL dishes array');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1], NULL)',
    '22004', 'quantities must not be null', 'NULL quantities array: 22004');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a NULL quantities array');

SELECT throws_ok('SELECT foodorder.place_order(NULL, NULL, NULL)',
    '22004', NULL, 'all three NULL: 22004');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after all NULLs');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, NULL], ARRAY[1, 1])',
    '22004', 'dishes must not contain null elements', 'NULL element in dishes: 22004');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a NULL dish id');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 3], ARRAY[1, NULL])',
    '22004', 'quantities must not contain null elements', 'NULL element in quantities: 22004');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a NULL quantity');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[NULL]::bigint[], ARRAY[NULL]::integer[])',
    '22004', NULL, 'arrays of only NULLs: 22004');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after arrays of only NULLs');

-- 22023: empty, multi-dimensional and mismatched arrays.
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[]::bigint[], ARRAY[]::integer[])',
    '22023', 'an order must contain at least one dish', 'empty arrays: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after empty arrays');

SELECT throws_ok($$SELECT foodorder.place_order(1, '{}', '{1}')$$,
    '22023', NULL, 'empty dishes with one quantity: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after empty dishes');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[[2, 3]], ARRAY[[1, 1]])',
    '22023', 'dishes must be a one-dimensional array', '2-D arrays: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after 2-D arrays');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 3], ARRAY[[1, 1]])',
    '22023', 'quantities must be a one-dimensional array', '2-D quantities only: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after 2-D quantities');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[[2], [3]], ARRAY[1, 1])',
    '22023', NULL, '2-D dishes of the right element count: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after 2-D dishes');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 3], ARRAY[1])',
    '22023', 'dishes and quantities must have the same length', 'more dishes than quantities: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after more dishes than quantities');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1, 1])',
    '22023', 'dishes and quantities must have the same length', 'more quantities than dishes: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after more quantities than dishes');

-- 22023: quantities that are not positive.
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[0])',
    '22023', 'quantity must be positive', 'quantity 0: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after quantity 0');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[-1])',
    '22023', 'quantity must be positive', 'quantity -1: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after quantity -1');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 3], ARRAY[3, -1])',
    '22023', 'quantity must be positive', 'a valid line and a -1 line: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written (not even the valid line) after a -1 line');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 2], ARRAY[3, -1])',
    '22023', 'quantity must be positive', 'the same dish with +3 and -1 is not netted: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after +3 and -1 for one dish');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[-2147483648])',
    '22023', 'quantity must be positive', 'quantity INT_MIN: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after quantity INT_MIN');

-- 22023: sums that overflow integer.
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 2], ARRAY[2147483647, 1])',
    '22023', 'quantity of dish 2 is too large', 'one dish whose quantities overflow: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after one dish overflowing');

SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2, 3], ARRAY[2147483647, 1])',
    '22023', 'order is too large', 'two dishes whose total overflows: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after the order total overflowing');

SELECT throws_ok(
    'SELECT foodorder.place_order(1, ARRAY[1, 2, 3], ARRAY[1073741824, 1073741823, 1])',
    '22023', 'order is too large', 'three dishes whose total is INT_MAX + 1: 22023');
SELECT results_eq('SELECT * FROM written ORDER BY what, id', 'SELECT * FROM baseline ORDER BY what, id',
    'nothing written after a total of INT_MAX + 1');

-- Input is checked before anything else: a bad array wins over an unknown
-- customer, an unknown dish or a used request key.
SELECT throws_ok('SELECT foodorder.place_order(42, ARRAY[99], ARRAY[0])',
    '22023', NULL, 'quantity 0 is reported before an unknown customer and dish');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1, 1], request_key => 'first')$$,
    '22023', NULL, 'a length mismatch is reported before a used request key');
SELECT throws_ok('SELECT foodorder.place_order(42, ARRAY[99, NULL], ARRAY[1, 1])',
    '22004', NULL, 'a NULL element is reported before an unknown customer');

-- Inside an open transaction, a refused call can be rolled back to a
-- savepoint and the transaction goes on.
SAVEPOINT before_bad_call;
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[0])',
    '22023', NULL, 'a refused call inside a savepoint');
ROLLBACK TO SAVEPOINT before_bad_call;
SELECT lives_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1])',
    'the next valid call in the same transaction works');
SELECT results_eq(
    $$SELECT * FROM written WHERE what = 'dish' ORDER BY id$$,
    $$VALUES ('dish', 1::bigint, 2::bigint, 0::bigint), ('dish', 2, 9, 1), ('dish', 3, 99, 1)$$,
    'and only it changed the stock');

SELECT * FROM finish();
ROLLBACK;
