-- A customer role (foodorder.grant_customer) orders, fills its cart and
-- cancels for itself only.  For another customer every function answers
-- 42501 and writes nothing; the staff and app functions and every table
-- write are refused with 42501.
\ir include/fixture.psql
SELECT plan(102);

INSERT INTO foodorder.restaurant (id, name, delivery_fee_cents) VALUES (2, 'Noodle bar', 300);
INSERT INTO foodorder.dish (id, restaurant_id, name, price_cents, stock) VALUES
    (1, 1, 'Kung Pao chicken', 2800, 10),
    (2, 1, 'Steamed rice', 200, 100),
    (3, 2, 'Beef noodles', 1500, 10);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
INSERT INTO foodorder.address (id, customer_id, detail) VALUES (10, 1, 'Desk 3'), (20, 2, 'Room 5');

CREATE ROLE foodorder_tap_cust_a NOLOGIN;
CREATE ROLE foodorder_tap_cust_b NOLOGIN;
SELECT foodorder.grant_customer('foodorder_tap_cust_a', 1);
SELECT foodorder.grant_customer('foodorder_tap_cust_b', 2);

-- Customer 2's order and cart, made by the owner.
CREATE TEMP TABLE ids (what text PRIMARY KEY, id bigint);
GRANT ALL ON ids TO PUBLIC;
INSERT INTO ids SELECT 'b1', foodorder.place_order(2, ARRAY[1], ARRAY[1], 20, 'cash', 'b1');
SELECT foodorder.cart_set(2, 2, 3);

-- Every row of every table of the extension, as text.
CREATE TEMP VIEW everything AS
          SELECT 'restaurant' AS tab, x::text AS r FROM foodorder.restaurant x
UNION ALL SELECT 'dish', x::text FROM foodorder.dish x
UNION ALL SELECT 'customer', x::text FROM foodorder.customer x
UNION ALL SELECT 'address', x::text FROM foodorder.address x
UNION ALL SELECT 'orders', x::text FROM foodorder.orders x
UNION ALL SELECT 'order_item', x::text FROM foodorder.order_item x
UNION ALL SELECT 'orders_1_0_values', x::text FROM foodorder.orders_1_0_values x
UNION ALL SELECT 'status_change', x::text FROM foodorder.status_change x
UNION ALL SELECT 'stock_change', x::text FROM foodorder.stock_change x
UNION ALL SELECT 'cart_item', x::text FROM foodorder.cart_item x
UNION ALL SELECT 'app_role', x::text FROM foodorder.app_role x
UNION ALL SELECT 'customer_role', x::text FROM foodorder.customer_role x
UNION ALL SELECT 'staff_role', x::text FROM foodorder.staff_role x;

------------------------------------------------------------------------
-- What customer 1 may do for itself.
------------------------------------------------------------------------
SET LOCAL ROLE foodorder_tap_cust_a;
SELECT lives_ok(
    $$INSERT INTO ids SELECT 'a1', foodorder.place_order(1, ARRAY[1, 2], ARRAY[1, 2], 10, 'card', 'a1')$$,
    'customer 1 places an order for itself');
SELECT lives_ok('SELECT foodorder.cart_set(1, 2, 2)', 'customer 1 puts a dish in its cart');
SELECT results_eq('SELECT dish_id, name, quantity, line_cents FROM foodorder.cart(1)',
    $$VALUES (2::bigint, 'Steamed rice'::text, 2, 400::bigint)$$,
    'customer 1 reads its cart');
SELECT lives_ok(
    $$INSERT INTO ids SELECT 'a2', foodorder.place_order_from_cart(1, 10, 'wechat', 'a2')$$,
    'customer 1 orders its cart');
SELECT is(foodorder.cart_clear(1), 0, 'the cart order emptied its cart');
SELECT foodorder.cart_set(1, 3, 1);
SELECT is(foodorder.cart_clear(1), 1, 'customer 1 clears its cart');
SELECT lives_ok($$INSERT INTO ids SELECT 'addr', foodorder.add_address(1, 'Office', 'work')$$,
    'customer 1 adds an address for itself');
SELECT is(foodorder.cancel_order((SELECT id FROM ids WHERE what = 'a1')), true,
    'customer 1 cancels its placed order');
RESET ROLE;

SELECT results_eq(
    $$SELECT o.customer_id, o.status, o.total_count, o.total_cents, o.address_id, o.pay_method
        FROM foodorder.orders o JOIN ids ON ids.id = o.id WHERE ids.what IN ('a1', 'a2') ORDER BY ids.what$$,
    $$VALUES (1::bigint, 'cancelled'::text, 3, 3200::bigint, 10::bigint, 'card'::text),
             (1, 'placed', 2, 400, 10, 'wechat')$$,
    'customer 1''s two orders were written for customer 1, the first cancelled');
SELECT results_eq(
    $$SELECT field, from_value, to_value, changed_by::text COLLATE "default" FROM foodorder.status_change
       WHERE order_id = (SELECT id FROM ids WHERE what = 'a1')$$,
    $$VALUES ('status'::text, 'placed'::text, 'cancelled'::text, 'foodorder_tap_cust_a'::text)$$,
    'the cancel is recorded as done by the customer role');
SELECT results_eq(
    $$SELECT customer_id, label, detail FROM foodorder.address WHERE id = (SELECT id FROM ids WHERE what = 'addr')$$,
    $$VALUES (1::bigint, 'work'::text, 'Office'::text)$$,
    'the new address is customer 1''s');
SELECT results_eq('SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 9, 1), (2::bigint, 98, 2), (3::bigint, 10, 0)',
    'stock: customer 2''s order and customer 1''s cart order taken, the cancelled order given back');

CREATE TEMP TABLE before AS SELECT * FROM everything;

------------------------------------------------------------------------
-- Acting for customer 2: 42501, nothing written.
------------------------------------------------------------------------
SET LOCAL ROLE foodorder_tap_cust_a;
SELECT throws_ok('SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1])',
    '42501', 'permission denied to act for customer 2', 'place_order for customer 2: 42501');
SELECT throws_ok($$SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1], 20, 'cash', 'b1')$$,
    '42501', 'permission denied to act for customer 2',
    'place_order repeating customer 2''s own call and key: 42501, not customer 2''s order id');
SELECT throws_ok('SELECT foodorder.place_order(999, ARRAY[1], ARRAY[1])',
    '42501', 'permission denied to act for customer 999',
    'place_order for an unknown customer: 42501 (no hint whether it exists)');
SELECT throws_ok('SELECT foodorder.place_order_from_cart(2)',
    '42501', 'permission denied to act for customer 2', 'place_order_from_cart of customer 2: 42501');
SELECT throws_ok($$SELECT foodorder.place_order_from_cart(2, 20, 'cash', 'b1')$$,
    '42501', 'permission denied to act for customer 2',
    'place_order_from_cart of customer 2 with its used key: 42501');
SELECT throws_ok('SELECT foodorder.cart_set(2, 1, 1)',
    '42501', 'permission denied to act for customer 2', 'cart_set in customer 2''s cart: 42501');
SELECT throws_ok('SELECT foodorder.cart_set(2, 2, 0)',
    '42501', 'permission denied to act for customer 2', 'cart_set removing from customer 2''s cart: 42501');
SELECT throws_ok('SELECT * FROM foodorder.cart(2)',
    '42501', 'permission denied to act for customer 2', 'reading customer 2''s cart: 42501');
SELECT throws_ok('SELECT foodorder.cart_clear(2)',
    '42501', 'permission denied to act for customer 2', 'cart_clear of customer 2: 42501');
SELECT throws_ok($$SELECT foodorder.add_address(2, 'Room 6')$$,
    '42501', 'permission denied to act for customer 2', 'add_address for customer 2: 42501');
SELECT throws_ok(format('SELECT foodorder.cancel_order(%s)', (SELECT id FROM ids WHERE what = 'b1')),
    '42501', format('permission denied to cancel order %s', (SELECT id FROM ids WHERE what = 'b1')),
    'cancel_order of customer 2''s order: 42501');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], 20)',
    '23503', 'address 20 is not an address of customer 1',
    'ordering for itself to customer 2''s address: 23503');
RESET ROLE;
SELECT results_eq('SELECT * FROM everything ORDER BY 1, 2', 'SELECT * FROM before ORDER BY 1, 2',
    'nothing written by the calls for customer 2 (every row of every table as before)');
SELECT results_eq('SELECT customer_id, dish_id, quantity FROM foodorder.cart_item',
    'VALUES (2::bigint, 2::bigint, 3)', 'customer 2''s cart is intact');

------------------------------------------------------------------------
-- Staff and app functions: no EXECUTE.
------------------------------------------------------------------------
SET LOCAL ROLE foodorder_tap_cust_a;
SELECT throws_ok(format(sql, (SELECT id FROM ids WHERE what = 'a2')), '42501',
        'permission denied for function ' || f, 'a customer may not call ' || f)
  FROM (VALUES ('accept_order', 'SELECT foodorder.accept_order(%s)'),
               ('reject_order', 'SELECT foodorder.reject_order(%s)'),
               ('mark_ready', 'SELECT foodorder.mark_ready(%s)'),
               ('complete_order', 'SELECT foodorder.complete_order(%s)'),
               ('mark_paid', 'SELECT foodorder.mark_paid(%s)'),
               ('refund_order', 'SELECT foodorder.refund_order(%s)'),
               ('restock', 'SELECT foodorder.restock(1, 5)'),
               ('set_price', 'SELECT foodorder.set_price(1, 1)'),
               ('set_on_sale', 'SELECT foodorder.set_on_sale(1, false)'),
               ('set_daily_stock', 'SELECT foodorder.set_daily_stock(1, 5)'),
               ('open_day', 'SELECT foodorder.open_day(1)'),
               ('add_dish', $$SELECT foodorder.add_dish(1, 'Free lunch', 0, 100)$$),
               ('set_delivery_fee', 'SELECT foodorder.set_delivery_fee(1, 0)'),
               ('add_customer', $$SELECT foodorder.add_customer('Sock puppet')$$),
               ('add_restaurant', $$SELECT foodorder.add_restaurant('Mine')$$),
               ('expire_orders', $$SELECT foodorder.expire_orders('0')$$),
               ('verify', 'SELECT * FROM foodorder.verify()'),
               ('calling_role', 'SELECT foodorder.calling_role()'),
               ('authorize_customer', 'SELECT foodorder.authorize_customer(2)'),
               ('sync_role_privileges', $$SELECT foodorder.sync_role_privileges('foodorder_tap_cust_a')$$))
       AS v(f, sql)
 ORDER BY f;

------------------------------------------------------------------------
-- Tables: no INSERT, UPDATE, DELETE or TRUNCATE on any of them, and no
-- row locks on what it may read.
------------------------------------------------------------------------
SELECT throws_ok(format(w.sql, t.tab, t.col), '42501', NULL,
        format('a customer may not %s foodorder.%s', w.verb, t.tab))
  FROM (VALUES ('restaurant', 'name'), ('dish', 'stock'), ('customer', 'name'),
               ('address', 'detail'), ('orders', 'status'), ('order_item', 'quantity'),
               ('orders_1_0_values', 'pay_method'), ('status_change', 'to_value'),
               ('stock_change', 'delta'), ('cart_item', 'quantity'), ('app_role', 'role'),
               ('customer_role', 'customer_id'), ('staff_role', 'restaurant_id'))
       AS t(tab, col),
       (VALUES (1, 'INSERT into', 'INSERT INTO foodorder.%I DEFAULT VALUES'),
               (2, 'UPDATE', 'UPDATE foodorder.%I SET %I = %2$I'),
               (3, 'DELETE from', 'DELETE FROM foodorder.%I'),
               (4, 'TRUNCATE', 'TRUNCATE foodorder.%I CASCADE'))
       AS w(n, verb, sql)
 ORDER BY t.tab, w.n;
SELECT throws_ok('SELECT * FROM foodorder.orders FOR UPDATE',
    '42501', NULL, 'a customer may not lock its orders (SELECT FOR UPDATE)');
SELECT throws_ok('SELECT * FROM foodorder.dish FOR SHARE',
    '42501', NULL, 'a customer may not lock dishes (SELECT FOR SHARE)');
SELECT throws_ok($$INSERT INTO foodorder.customer_role (role, customer_id)
                   VALUES ('foodorder_tap_cust_a', 2) ON CONFLICT (role) DO UPDATE SET customer_id = 2$$,
    '42501', NULL, 'a customer may not relink itself to customer 2');
RESET ROLE;

SELECT results_eq('SELECT * FROM everything ORDER BY 1, 2', 'SELECT * FROM before ORDER BY 1, 2',
    'nothing written by the refused function calls and table writes');

SELECT * FROM finish();
ROLLBACK;
