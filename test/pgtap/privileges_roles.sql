-- Who may call place_order, and that the documented grant (1.1:
-- foodorder.grant_app) lets an application role order and read, but not
-- write the tables behind it.  The 1.0 grant by hand (USAGE and EXECUTE
-- on place_order) is no longer enough: place_order itself refuses a caller
-- that is not app, the customer, or trusted.
\ir include/fixture.psql
SELECT plan(61);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES
    (1, 'Kung Pao chicken', 2800, 5),
    (2, 'Steamed rice', 200, 100);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei');
INSERT INTO foodorder.address (id, customer_id, detail) VALUES (7, 1, 'Desk 3, Floor 2');

-- The documented grant, the 1.0 grant by hand, and two roles without any.
CREATE ROLE foodorder_tap_app NOLOGIN;
SELECT foodorder.grant_app('foodorder_tap_app');
CREATE ROLE foodorder_tap_handgrant NOLOGIN;
GRANT USAGE ON SCHEMA foodorder TO foodorder_tap_handgrant;
GRANT EXECUTE ON FUNCTION foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)
    TO foodorder_tap_handgrant;
CREATE ROLE foodorder_tap_nogrant NOLOGIN;
GRANT USAGE ON SCHEMA foodorder TO foodorder_tap_nogrant;
CREATE ROLE foodorder_tap_stranger NOLOGIN;

-- Results of calls made under SET ROLE land here.
CREATE TEMP TABLE placed (role text, order_id bigint);
GRANT ALL ON placed TO PUBLIC;

SELECT ok(pg_catalog.has_function_privilege('foodorder_tap_app',
        'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)', 'EXECUTE'),
    'grant_app gives EXECUTE on place_order');
SELECT ok(pg_catalog.has_schema_privilege('foodorder_tap_app', 'foodorder', 'USAGE'),
    'grant_app gives USAGE on schema foodorder');
SELECT ok(NOT pg_catalog.has_schema_privilege('foodorder_tap_app', 'foodorder', 'CREATE'),
    'grant_app gives no CREATE on schema foodorder');
SELECT ok(NOT pg_catalog.has_function_privilege('foodorder_tap_nogrant',
        'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)', 'EXECUTE'),
    'USAGE on the schema alone gives no EXECUTE on place_order');

-- The app role may read the tables row-level security filters for it and
-- the menu and customers; it has no privilege at all on the role tables
-- and the stock log (staff read that), and no write privilege anywhere.
SELECT table_privs_are('foodorder', t, 'foodorder_tap_app', p,
        'grant_app gives exactly ' || coalesce(nullif(array_to_string(p, ', '), ''), 'no privilege')
        || ' on foodorder.' || t)
  FROM (VALUES ('address', ARRAY['SELECT']), ('app_role', ARRAY[]::text[]),
               ('cart_item', ARRAY['SELECT']), ('customer', ARRAY['SELECT']),
               ('customer_role', ARRAY[]::text[]), ('dish', ARRAY['SELECT']),
               ('order_item', ARRAY['SELECT']), ('orders', ARRAY['SELECT']),
               ('orders_1_0_values', ARRAY[]::text[]),
               ('restaurant', ARRAY['SELECT']), ('staff_role', ARRAY[]::text[]),
               ('status_change', ARRAY['SELECT']), ('stock_change', ARRAY[]::text[]))
       AS v(t, p)
 ORDER BY t;
SELECT table_privs_are('foodorder', t, 'public', ARRAY[]::text[],
        'PUBLIC has no privilege on foodorder.' || t)
  FROM unnest(ARRAY['address', 'app_role', 'cart_item', 'customer', 'customer_role', 'dish',
                    'order_item', 'orders', 'orders_1_0_values', 'restaurant', 'staff_role',
                    'status_change', 'stock_change']) AS t
 ORDER BY t;

-- Roles without EXECUTE: 42501 from the privilege check, nothing written.
SET ROLE foodorder_tap_nogrant;
SELECT throws_ok(
    'SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])',
    '42501', 'permission denied for function place_order',
    'a role with USAGE but no EXECUTE cannot call place_order');
SELECT throws_ok(
    'SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], 7, ''card'', ''k-nogrant'')',
    '42501', NULL, 'nor with all six arguments');
RESET ROLE;
SET ROLE foodorder_tap_stranger;
SELECT throws_ok(
    'SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])',
    '42501', NULL, 'a role with no grant at all cannot call place_order');
RESET ROLE;
-- The 1.0 grant by hand: EXECUTE lets it in, place_order turns it away.
SET ROLE foodorder_tap_handgrant;
SELECT throws_ok(
    'SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])',
    '42501', 'permission denied to act for customer 1',
    'EXECUTE granted by hand without grant_app: place_order refuses with 42501');
SELECT throws_ok(
    'SELECT foodorder.place_order(1, ARRAY[1, 2], ARRAY[2, 3], 7, ''card'', ''k-app'')',
    '42501', 'permission denied to act for customer 1', 'nor with all six arguments');
SELECT throws_ok(
    'SELECT foodorder.place_order(42, ARRAY[1], ARRAY[1])',
    '42501', 'permission denied to act for customer 42',
    'nor does it learn whether customer 42 exists (42501, not 23503)');
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
    'a role granted with grant_app can place an order');
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

-- ... reads the menu and the orders ...
SET ROLE foodorder_tap_app;
SELECT results_eq(
    'SELECT id, name, price_cents, stock, sold FROM foodorder.dish ORDER BY id',
    $$VALUES (1::bigint, 'Kung Pao chicken'::text, 2800, 3, 2), (2::bigint, 'Steamed rice'::text, 200, 97, 3)$$,
    'the app role reads the menu');
SELECT results_eq(
    'SELECT id, customer_id, total_cents FROM foodorder.orders ORDER BY id',
    'SELECT order_id, 1::bigint, 6200::bigint FROM placed',
    'the app role reads the order it placed');

-- ... but writes nothing itself.
SELECT throws_ok('UPDATE foodorder.dish SET stock = 1000',
    '42501', NULL, 'the app role cannot UPDATE foodorder.dish');
SELECT throws_ok($$INSERT INTO foodorder.dish (name, price_cents, stock) VALUES ('free', 0, 9)$$,
    '42501', NULL, 'the app role cannot INSERT into foodorder.dish');
SELECT throws_ok('DELETE FROM foodorder.dish',
    '42501', NULL, 'the app role cannot DELETE from foodorder.dish');
SELECT throws_ok(
    'INSERT INTO foodorder.orders (customer_id, restaurant_id, total_count, total_cents) VALUES (1, 1, 1, 0)',
    '42501', NULL, 'the app role cannot INSERT into foodorder.orders');
SELECT throws_ok(
    'INSERT INTO foodorder.order_item (order_id, dish_id, quantity, price_cents) VALUES (1, 1, 1, 0)',
    '42501', NULL, 'the app role cannot INSERT into foodorder.order_item');
SELECT throws_ok('UPDATE foodorder.orders SET total_cents = 0',
    '42501', NULL, 'the app role cannot UPDATE foodorder.orders');
SELECT throws_ok($$UPDATE foodorder.orders SET status = 'completed', pay_status = 'paid'$$,
    '42501', NULL, 'the app role cannot move an order by UPDATE');
SELECT throws_ok('DELETE FROM foodorder.orders',
    '42501', NULL, 'the app role cannot DELETE from foodorder.orders');
SELECT throws_ok('DELETE FROM foodorder.order_item',
    '42501', NULL, 'the app role cannot DELETE from foodorder.order_item');
SELECT throws_ok('TRUNCATE foodorder.dish',
    '42501', NULL, 'the app role cannot TRUNCATE foodorder.dish');
SELECT throws_ok($$INSERT INTO foodorder.customer (name) VALUES ('x')$$,
    '42501', NULL, 'the app role cannot INSERT into foodorder.customer (add_customer does that)');
SELECT throws_ok($$INSERT INTO foodorder.staff_role (role, restaurant_id) VALUES ('foodorder_tap_app', 1)$$,
    '42501', NULL, 'the app role cannot make itself staff');
SELECT throws_ok('SELECT * FROM foodorder.staff_role',
    '42501', NULL, 'the app role cannot read foodorder.staff_role');
SELECT throws_ok('SELECT * FROM foodorder.stock_change',
    '42501', NULL, 'the app role cannot read foodorder.stock_change');
RESET ROLE;

SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 3, 2), (2::bigint, 97, 3)',
    'the refused statements changed no dish');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM foodorder.orders), (SELECT count(*) FROM foodorder.order_item),
             (SELECT count(*) FROM foodorder.staff_role), (SELECT count(*) FROM foodorder.customer),
             (SELECT min(status) || '/' || min(pay_status) FROM foodorder.orders)$$,
    $$VALUES (1::bigint, 2::bigint, 0::bigint, 1::bigint, 'placed/unpaid'::text)$$,
    'the refused statements wrote no order, line, staff role or customer, and moved no order');

SELECT * FROM finish();
ROLLBACK;
