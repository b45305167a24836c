-- customer_orders(customer): a customer reads its own orders, the app any
-- customer's; another customer's id is 42501, not an empty list.
\ir include/fixture.psql
SELECT plan(10);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES (1, 'Mapo tofu', 1800, 10);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei'), (3, 'Wang Wu');
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1]);
SELECT foodorder.place_order(2, ARRAY[1], ARRAY[2]);
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[3]);

CREATE ROLE foodorder_tap_co_cust NOLOGIN;
CREATE ROLE foodorder_tap_co_app NOLOGIN;
CREATE ROLE foodorder_tap_co_staff NOLOGIN;
SELECT foodorder.grant_customer('foodorder_tap_co_cust', 1);
SELECT foodorder.grant_app('foodorder_tap_co_app');
SELECT foodorder.grant_staff('foodorder_tap_co_staff', 1);

SELECT results_eq($$SELECT id, total_count FROM foodorder.customer_orders(1)$$,
    $$VALUES (3::bigint, 3), (1::bigint, 1)$$,
    'the owner reads customer 1''s orders, newest first');

SET LOCAL ROLE foodorder_tap_co_cust;
SELECT results_eq($$SELECT id FROM foodorder.customer_orders(1)$$,
    $$VALUES (3::bigint), (1::bigint)$$, 'a customer reads its own orders');
SELECT throws_ok($$SELECT * FROM foodorder.customer_orders(2)$$,
    '42501', 'permission denied to act for customer 2',
    'another customer''s orders: 42501, not an empty list');
SELECT throws_ok($$SELECT * FROM foodorder.customer_orders(99)$$,
    '42501', NULL, 'an unknown customer id: 42501 too, so existence does not leak');
RESET ROLE;

SET LOCAL ROLE foodorder_tap_co_app;
SELECT results_eq($$SELECT id FROM foodorder.customer_orders(2)$$,
    $$VALUES (2::bigint)$$, 'the app reads any customer''s orders');
SELECT is_empty($$SELECT * FROM foodorder.customer_orders(3)$$,
    'a customer without orders: no rows');
SELECT throws_ok($$SELECT * FROM foodorder.customer_orders(99)$$,
    '23503', 'customer 99 does not exist', 'the app asking for an unknown customer: 23503');
SELECT throws_ok($$SELECT * FROM foodorder.customer_orders(NULL)$$,
    '22004', NULL, 'a null customer: 22004');
RESET ROLE;

SET LOCAL ROLE foodorder_tap_co_staff;
SELECT throws_ok($$SELECT * FROM foodorder.customer_orders(1)$$,
    '42501', NULL, 'staff have no EXECUTE on customer_orders');
RESET ROLE;

SELECT ok(NOT has_function_privilege('public', 'foodorder.customer_orders(bigint)', 'EXECUTE'),
    'PUBLIC has no EXECUTE on customer_orders');

SELECT * FROM finish();
ROLLBACK;
