-- An application role (foodorder.grant_app) acts for any customer: it
-- orders for two different customers, registers customers and addresses,
-- fills and orders carts, cancels placed orders, records payments and
-- refunds.  The restaurant's side (accept, reject, ready, complete, menu,
-- stock) is not its: 42501, nothing written.
\ir include/fixture.psql
SELECT plan(32);

INSERT INTO foodorder.restaurant (id, name, delivery_fee_cents) VALUES (2, 'Noodle bar', 300);
INSERT INTO foodorder.dish (id, restaurant_id, name, price_cents, stock) VALUES
    (1, 1, 'Kung Pao chicken', 2800, 10),
    (2, 1, 'Steamed rice', 200, 100),
    (3, 2, 'Beef noodles', 1500, 10);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
SELECT setval('foodorder.customer_id_seq', 2);

CREATE ROLE foodorder_tap_app NOLOGIN;
SELECT foodorder.grant_app('foodorder_tap_app');

CREATE TEMP TABLE ids (what text PRIMARY KEY, id bigint);
GRANT ALL ON ids TO PUBLIC;
-- An order the restaurant accepted, for the refusals below.
INSERT INTO ids VALUES ('accepted', foodorder.place_order(2, ARRAY[3], ARRAY[1]));
SELECT foodorder.accept_order(id) FROM ids WHERE what = 'accepted';

SET LOCAL ROLE foodorder_tap_app;
SELECT lives_ok($$INSERT INTO ids SELECT 'cust3', foodorder.add_customer('Wang Fang')$$,
    'the app registers a customer');
SELECT lives_ok($$INSERT INTO ids SELECT 'addr1', foodorder.add_address(1, 'Desk 3', 'work')$$,
    'the app adds an address for customer 1');
SELECT lives_ok($$INSERT INTO ids SELECT 'addr2', foodorder.add_address(2, 'Room 5')$$,
    'and for customer 2');
SELECT lives_ok(
    $$INSERT INTO ids SELECT 'o1', foodorder.place_order(1, ARRAY[1], ARRAY[1],
                                      (SELECT id FROM ids WHERE what = 'addr1'), 'alipay', 'k')$$,
    'the app orders for customer 1');
SELECT lives_ok(
    $$INSERT INTO ids SELECT 'o2', foodorder.place_order(2, ARRAY[2], ARRAY[2],
                                      (SELECT id FROM ids WHERE what = 'addr2'), 'alipay', 'k')$$,
    'and for customer 2, with the same request key');
SELECT lives_ok(
    $$INSERT INTO ids SELECT 'o3', foodorder.place_order((SELECT id FROM ids WHERE what = 'cust3'),
                                      ARRAY[3], ARRAY[2])$$,
    'and for the customer it registered');
SELECT lives_ok('SELECT foodorder.cart_set(2, 1, 2)', 'the app fills customer 2''s cart');
SELECT results_eq('SELECT dish_id, quantity FROM foodorder.cart(2)', 'VALUES (1::bigint, 2)',
    'and reads it');
SELECT lives_ok($$INSERT INTO ids SELECT 'o4', foodorder.place_order_from_cart(2)$$,
    'and orders it');
SELECT throws_ok(format('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], %s)',
                        (SELECT id FROM ids WHERE what = 'addr2')),
    '23503', NULL, 'the app cannot send customer 1''s order to customer 2''s address');
SELECT throws_ok('SELECT foodorder.place_order(999, ARRAY[1], ARRAY[1])',
    '23503', 'customer 999 does not exist', 'for an unknown customer the app gets 23503');
SELECT is(foodorder.mark_paid((SELECT id FROM ids WHERE what = 'o1')), true, 'the app marks an order paid');
SELECT is(foodorder.mark_paid((SELECT id FROM ids WHERE what = 'o1')), false, 'a second mark_paid changes nothing');
SELECT is(foodorder.refund_order((SELECT id FROM ids WHERE what = 'o1')), true, 'the app refunds it');
SELECT is(foodorder.cancel_order((SELECT id FROM ids WHERE what = 'o2')), true,
    'the app cancels customer 2''s placed order');
SELECT throws_ok(format('SELECT foodorder.mark_paid(%s)', (SELECT id FROM ids WHERE what = 'o2')),
    'OR003', NULL, 'a cancelled order cannot be marked paid');
SELECT throws_ok(format('SELECT foodorder.cancel_order(%s)', (SELECT id FROM ids WHERE what = 'accepted')),
    'OR003', format('cannot cancel order %s', (SELECT id FROM ids WHERE what = 'accepted')),
    'the app cannot cancel an order the restaurant accepted (only staff can)');
RESET ROLE;

SELECT results_eq(
    $$SELECT ids.what, o.customer_id, o.restaurant_id, o.status, o.pay_status, o.total_cents
        FROM ids JOIN foodorder.orders o ON o.id = ids.id WHERE ids.what LIKE 'o_' ORDER BY ids.what$$,
    $$SELECT * FROM (VALUES ('o1'::text, 1::bigint, 1::bigint, 'placed'::text, 'refunded'::text, 2800::bigint),
                            ('o2', 2, 1, 'cancelled', 'unpaid', 400),
                            ('o4', 2, 1, 'placed', 'unpaid', 5600)) AS v
      UNION ALL
      SELECT 'o3', (SELECT id FROM ids WHERE what = 'cust3'), 2, 'placed', 'unpaid', 3000
      ORDER BY 1$$,
    'the app''s orders: for three customers, paid/refunded, cancelled, from the cart');
SELECT results_eq(
    $$SELECT field, to_value, changed_by::text COLLATE "default" FROM foodorder.status_change
       WHERE order_id IN (SELECT id FROM ids WHERE what IN ('o1', 'o2')) ORDER BY id$$,
    $$VALUES ('pay_status'::text, 'paid'::text, 'foodorder_tap_app'::text),
             ('pay_status', 'refunded', 'foodorder_tap_app'),
             ('status', 'cancelled', 'foodorder_tap_app')$$,
    'the changes are recorded as made by the app role');

-- Not the app's: the restaurant's side and the owner's.
CREATE TEMP VIEW everything AS
          SELECT 'dish' AS tab, x::text AS r FROM foodorder.dish x
UNION ALL SELECT 'restaurant', x::text FROM foodorder.restaurant x
UNION ALL SELECT 'orders', x::text FROM foodorder.orders x
UNION ALL SELECT 'status_change', x::text FROM foodorder.status_change x
UNION ALL SELECT 'stock_change', x::text FROM foodorder.stock_change x;
CREATE TEMP TABLE before AS SELECT * FROM everything;
SET LOCAL ROLE foodorder_tap_app;
SELECT throws_ok(format(sql, (SELECT id FROM ids WHERE what = 'o4')), '42501',
        'permission denied for function ' || f, 'the app may not call ' || f)
  FROM (VALUES ('accept_order', 'SELECT foodorder.accept_order(%s)'),
               ('reject_order', 'SELECT foodorder.reject_order(%s)'),
               ('mark_ready', 'SELECT foodorder.mark_ready(%s)'),
               ('complete_order', 'SELECT foodorder.complete_order(%s)'),
               ('restock', 'SELECT foodorder.restock(1, 5)'),
               ('set_price', 'SELECT foodorder.set_price(1, 1)'),
               ('set_on_sale', 'SELECT foodorder.set_on_sale(1, false)'),
               ('open_day', 'SELECT foodorder.open_day(1)'),
               ('add_dish', $$SELECT foodorder.add_dish(1, 'x', 1)$$),
               ('set_delivery_fee', 'SELECT foodorder.set_delivery_fee(1, 0)'),
               ('add_restaurant', $$SELECT foodorder.add_restaurant('x')$$),
               ('expire_orders', $$SELECT foodorder.expire_orders('0')$$))
       AS v(f, sql)
 ORDER BY f;
RESET ROLE;
SELECT results_eq('SELECT * FROM everything ORDER BY 1, 2', 'SELECT * FROM before ORDER BY 1, 2',
    'the refused calls wrote nothing');

SELECT * FROM finish();
ROLLBACK;
