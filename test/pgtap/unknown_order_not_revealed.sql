-- Whether an order id exists is told only to callers who may see every
-- order (the owner and the app); a customer or staff role gets the same
-- 42501 for an unknown order as for another customer's or restaurant's.
\ir include/fixture.psql
SELECT plan(8);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES (1, 'Mapo tofu', 1800, 10);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1]) AS other_order \gset

CREATE ROLE foodorder_tap_uo_cust NOLOGIN;
CREATE ROLE foodorder_tap_uo_staff NOLOGIN;
CREATE ROLE foodorder_tap_uo_app NOLOGIN;
SELECT foodorder.add_restaurant('Noodle bar') AS noodle_bar \gset
SELECT foodorder.grant_customer('foodorder_tap_uo_cust', 1);
SELECT foodorder.grant_staff('foodorder_tap_uo_staff', :noodle_bar);
SELECT foodorder.grant_app('foodorder_tap_uo_app');

SET LOCAL ROLE foodorder_tap_uo_cust;
SELECT throws_ok('SELECT foodorder.cancel_order(999)', '42501',
    'permission denied to cancel order 999',
    'a customer cancelling an unknown order: 42501');
SELECT throws_ok(format('SELECT foodorder.cancel_order(%s)', :other_order), '42501',
    format('permission denied to cancel order %s', :other_order),
    'a customer cancelling another customer''s order: the same 42501');
RESET ROLE;

SET LOCAL ROLE foodorder_tap_uo_staff;
SELECT throws_ok('SELECT foodorder.accept_order(999)', '42501',
    'permission denied to accept order 999',
    'staff accepting an unknown order: 42501');
SELECT throws_ok(format('SELECT foodorder.accept_order(%s)', :other_order), '42501',
    format('permission denied to accept order %s', :other_order),
    'staff accepting another restaurant''s order: the same 42501');
RESET ROLE;

SET LOCAL ROLE foodorder_tap_uo_app;
SELECT throws_ok('SELECT foodorder.cancel_order(999)', '23503',
    'order 999 does not exist', 'the app cancelling an unknown order: 23503');
SELECT throws_ok('SELECT foodorder.mark_paid(999)', '23503',
    'order 999 does not exist', 'the app marking an unknown order paid: 23503');
RESET ROLE;

SELECT throws_ok('SELECT foodorder.complete_order(999)', '23503',
    'order 999 does not exist', 'the owner: 23503');
SELECT is((SELECT status FROM foodorder.orders WHERE id = :other_order), 'placed',
    'the other customer''s order is untouched');

SELECT * FROM finish();
ROLLBACK;
