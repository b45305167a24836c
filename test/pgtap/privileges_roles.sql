-- Who may call place_order, and that the documented grant lets an
-- application role order but not touch the tables behind it.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION foodorder;
SELECT plan(37);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES
    (1, 'Kung Pao chicken', 2800, 5),
    (2, 'Steamed rice', 200, 100);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei');

-- The documented grant, and two roles without it.
CREATE ROLE foodorder_tap_app NOLOGIN;
GRANT USAGE ON SCHEMA foodorder TO foodorder_tap_app;
GRANT EXECUTE ON FUNCTION foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)
    TO foodorder_tap_app;
CREATE ROLE foodorder_tap_nogrant NOLOGIN;
GRANT USAGE ON SCHEMA foodorder TO foodorder_tap_nogrant;
CREATE ROLE foodorder_tap_stranger NOLOGIN;

-- Results of calls made under SET ROLE land here, since the roles cannot read orders.
CREATE TEMP TABLE placed (role text, order_id bigint);
GRANT ALL ON placed TO PUBLIC;

SELECT ok(pg_catalog.has_function_privilege('foodorder_tap_app',
        'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)', 'EXECUTE'),
    'the documented grant gives EXECUTE on place_order');
SELECT ok(NOT pg_catalog.has_function_privilege('foodorder_tap_nogrant',
        'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)', 'EXECUTE'),
    'USAGE on the schema alone gives no EXECUTE on place_order');

SELECT table_privs_are('foodorder', t, 'foodorder_tap_app', ARRAY[]::text[],
        'the documented grant gives no privilege on foodorder.' || t)
  FROM unnest(ARRAY['dish', 'customer', 'orders', 'order_item']) AS t ORDER BY t;
SELECT table_privs_are('foodorder', t, 'public', ARRAY[]::text[],
        'PUBLIC has no privilege on foodorder.' || t)
  FROM unnest(ARRAY['dish', 'customer', 'orders', 'order_item']) AS t ORDER BY t;

-- Roles without the grant: 42501, nothing written.
SET ROLE foodorder_tap_nogrant;
SELECT throws_ok(
    'SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])',
    '42501', NULL, 'a role with USAGE but no EXECUTE cannot call place_order');
SELECT throws_ok(
    'SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], 7, ''card'', ''k-nogrant'')',
    '42501', NULL, 'nor with all six arguments');
RESET ROLE;
SET ROLE foodorder_tap_stranger;
SELECT throws_ok(
    'SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])',
    '42501', NULL, 'a role with no grant at all cannot call place_order');
RESET ROLE;
SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 5, 0), (2::bigint, 100, 0)',
    'refused callers changed no stock');
SELECT is((SELECT count(*)::int FROM foodorder.orders), 0, 'refused callers wrote no order');

-- The documented grant is enough to order.
SET ROLE foodorder_tap_app;
SELECT lives_ok(
    $$INSERT INTO placed
      SELECT current_user, foodorder.place_order(1, ARRAY[1, 2], ARRAY[2, 3], 7, 'card', 'k-app')$$,
    'a role with only the documented grant can place an order');
RESET ROLE;
SELECT results_eq(
    'SELECT role, order_id FROM placed',
    'SELECT ''foodorder_tap_app''::text, id FROM foodorder.orders',
    'place_order returned the id of the order it wrote for the app role');
SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 3, 2), (2::bigint, 97, 3)',
    'stock went down and sold went up by the quantities ordered');
SELECT results_eq(
    $$SELECT customer_id, status, total_count, total_cents, address_id, pay_method, request_key
        FROM foodorder.orders$$,
    $$VALUES (1::bigint, 'placed'::text, 5, 6200::bigint, 7::bigint, 'card'::text, 'k-app'::text)$$,
    'one order with the right totals, address, pay method and request key');
SELECT results_eq(
    'SELECT o.id, i.dish_id, i.quantity, i.price_cents
       FROM foodorder.order_item i JOIN foodorder.orders o ON o.id = i.order_id
      ORDER BY i.dish_id',
    'SELECT id, 1::bigint, 2, 2800 FROM foodorder.orders
     UNION ALL
     SELECT id, 2::bigint, 3, 200 FROM foodorder.orders',
    'its two lines, at the dish prices');

-- ... but nothing else.
SET ROLE foodorder_tap_app;
SELECT throws_ok('UPDATE foodorder.dish SET stock = 1000',
    '42501', NULL, 'the app role cannot UPDATE foodorder.dish');
SELECT throws_ok($$INSERT INTO foodorder.dish (name, price_cents, stock) VALUES ('free', 0, 9)$$,
    '42501', NULL, 'the app role cannot INSERT into foodorder.dish');
SELECT throws_ok('DELETE FROM foodorder.dish',
    '42501', NULL, 'the app role cannot DELETE from foodorder.dish');
SELECT throws_ok('SELECT * FROM foodorder.dish',
    '42501', NULL, 'the app role cannot SELECT foodorder.dish without the optional grant');
SELECT throws_ok(
    'INSERT INTO foodorder.orders (customer_id, total_count, total_cents) VALUES (1, 1, 0)',
    '42501', NULL, 'the app role cannot INSERT into foodorder.orders');
SELECT throws_ok(
    'INSERT INTO foodorder.order_item (order_id, dish_id, quantity, price_cents) VALUES (1, 1, 1, 0)',
    '42501', NULL, 'the app role cannot INSERT into foodorder.order_item');
SELECT throws_ok('UPDATE foodorder.orders SET total_cents = 0',
    '42501', NULL, 'the app role cannot UPDATE foodorder.orders');
SELECT throws_ok('DELETE FROM foodorder.orders',
    '42501', NULL, 'the app role cannot DELETE from foodorder.orders');
SELECT throws_ok('DELETE FROM foodorder.order_item',
    '42501', NULL, 'the app role cannot DELETE from foodorder.order_item');
SELECT throws_ok('SELECT * FROM foodorder.orders',
    '42501', NULL, 'the app role cannot SELECT foodorder.orders');
SELECT throws_ok('SELECT * FROM foodorder.order_item',
    '42501', NULL, 'the app role cannot SELECT foodorder.order_item');
SELECT throws_ok('SELECT * FROM foodorder.customer',
    '42501', NULL, 'the app role cannot SELECT foodorder.customer');
SELECT throws_ok('TRUNCATE foodorder.dish',
    '42501', NULL, 'the app role cannot TRUNCATE foodorder.dish');
RESET ROLE;

-- The optional menu grant gives reading the menu, nothing more.
GRANT SELECT ON foodorder.dish TO foodorder_tap_app;
SET ROLE foodorder_tap_app;
SELECT results_eq(
    'SELECT id, name, price_cents, stock, sold FROM foodorder.dish ORDER BY id',
    $$VALUES (1::bigint, 'Kung Pao chicken'::text, 2800, 3, 2), (2::bigint, 'Steamed rice'::text, 200, 97, 3)$$,
    'with GRANT SELECT ON foodorder.dish the app role reads the menu');
SELECT throws_ok('UPDATE foodorder.dish SET stock = 1000 WHERE id = 1',
    '42501', NULL, 'and still cannot UPDATE foodorder.dish');
RESET ROLE;

SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 3, 2), (2::bigint, 97, 3)',
    'the refused statements changed no dish');
SELECT results_eq(
    'SELECT (SELECT count(*) FROM foodorder.orders), (SELECT count(*) FROM foodorder.order_item)',
    'VALUES (1::bigint, 2::bigint)',
    'the refused statements wrote no order and no line');

SELECT * FROM finish();
ROLLBACK;
