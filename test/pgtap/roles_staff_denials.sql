-- Staff of restaurant 2 (foodorder.grant_staff) runs restaurant 2: every
-- order transition and menu function works there.  The same calls on
-- restaurant 1's orders and dishes answer 42501 and write nothing; ordering
-- and the customer functions are not staff's (42501), nor is any table
-- write.  After revoke_staff it can do nothing at restaurant 2 either.
\ir include/fixture.psql
SELECT plan(61);

INSERT INTO foodorder.restaurant (id, name, delivery_fee_cents) VALUES (2, 'Noodle bar', 300);
INSERT INTO foodorder.dish (id, restaurant_id, name, price_cents, stock, daily_stock) VALUES
    (1, 1, 'Kung Pao chicken', 2800, 10, NULL),
    (2, 1, 'Steamed rice', 200, 100, 50),
    (3, 2, 'Beef noodles', 1500, 10, 20),
    (4, 2, 'Dumplings', 800, 30, 40);
SELECT setval('foodorder.dish_id_seq', 4);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
INSERT INTO foodorder.address (id, customer_id, detail) VALUES (10, 1, 'Desk 3');

CREATE ROLE foodorder_tap_staff2 NOLOGIN;
SELECT foodorder.grant_staff('foodorder_tap_staff2', 2);

-- Orders, placed by the owner; restaurant 1's are put in every state
-- from which staff could move them.
CREATE TEMP TABLE ids (what text PRIMARY KEY, id bigint);
GRANT ALL ON ids TO PUBLIC;
INSERT INTO ids VALUES
    ('r2_complete', foodorder.place_order(1, ARRAY[3], ARRAY[1])),
    ('r2_reject', foodorder.place_order(2, ARRAY[4], ARRAY[2])),
    ('r2_cancel', foodorder.place_order(1, ARRAY[3], ARRAY[1])),
    ('r2_accept_cancel', foodorder.place_order(2, ARRAY[4], ARRAY[1])),
    ('r2_pay', foodorder.place_order(1, ARRAY[3], ARRAY[1], 10, 'card')),
    ('r1_placed', foodorder.place_order(1, ARRAY[1], ARRAY[1])),
    ('r1_paid', foodorder.place_order(2, ARRAY[2], ARRAY[1])),
    ('r1_accepted', foodorder.place_order(1, ARRAY[2], ARRAY[2])),
    ('r1_ready', foodorder.place_order(2, ARRAY[1], ARRAY[1]));
SELECT foodorder.mark_paid(id) FROM ids WHERE what = 'r1_paid';
SELECT foodorder.accept_order(id) FROM ids WHERE what IN ('r1_accepted', 'r1_ready');
SELECT foodorder.mark_ready(id) FROM ids WHERE what = 'r1_ready';

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
-- Restaurant 2: everything works.
------------------------------------------------------------------------
CREATE TEMP TABLE got (what text PRIMARY KEY, val text);
GRANT ALL ON got TO PUBLIC;
SET LOCAL ROLE foodorder_tap_staff2;
INSERT INTO got SELECT 'accept', foodorder.accept_order(id) FROM ids WHERE what = 'r2_complete';
INSERT INTO got SELECT 'ready', foodorder.mark_ready(id) FROM ids WHERE what = 'r2_complete';
INSERT INTO got SELECT 'complete', foodorder.complete_order(id) FROM ids WHERE what = 'r2_complete';
INSERT INTO got SELECT 'reject', foodorder.reject_order(id) FROM ids WHERE what = 'r2_reject';
INSERT INTO got SELECT 'cancel placed', foodorder.cancel_order(id) FROM ids WHERE what = 'r2_cancel';
INSERT INTO got SELECT 'accept 2', foodorder.accept_order(id) FROM ids WHERE what = 'r2_accept_cancel';
INSERT INTO got SELECT 'cancel accepted', foodorder.cancel_order(id) FROM ids WHERE what = 'r2_accept_cancel';
INSERT INTO got SELECT 'mark_paid', foodorder.mark_paid(id) FROM ids WHERE what = 'r2_pay';
INSERT INTO got SELECT 'refund', foodorder.refund_order(id) FROM ids WHERE what = 'r2_pay';
INSERT INTO got SELECT 'restock', foodorder.restock(3, 5);
INSERT INTO got SELECT 'set_price', foodorder.set_price(3, 1600);
INSERT INTO got SELECT 'set_on_sale', foodorder.set_on_sale(4, false);
INSERT INTO got SELECT 'set_daily_stock', foodorder.set_daily_stock(3, 25);
INSERT INTO got SELECT 'open_day', foodorder.open_day(2);
INSERT INTO got SELECT 'add_dish', foodorder.add_dish(2, 'Wontons', 900, 12, 12);
INSERT INTO got SELECT 'set_delivery_fee', foodorder.set_delivery_fee(2, 250);
RESET ROLE;

SELECT results_eq(
    $$SELECT what, val FROM got WHERE what NOT IN ('restock', 'open_day', 'add_dish') ORDER BY what$$,
    $$VALUES ('accept'::text, 'true'::text), ('accept 2', 'true'), ('cancel accepted', 'true'),
             ('cancel placed', 'true'), ('complete', 'true'), ('mark_paid', 'true'),
             ('ready', 'true'), ('refund', 'true'), ('reject', 'true'), ('set_daily_stock', ''),
             ('set_delivery_fee', ''), ('set_on_sale', ''), ('set_price', '')$$,
    'staff of restaurant 2: every transition of its orders returned true, the menu calls ran');
SELECT results_eq(
    $$SELECT ids.what, o.status, o.pay_status FROM ids JOIN foodorder.orders o ON o.id = ids.id
       WHERE ids.what LIKE 'r2%' ORDER BY ids.what$$,
    $$VALUES ('r2_accept_cancel'::text, 'cancelled'::text, 'unpaid'::text),
             ('r2_cancel', 'cancelled', 'unpaid'), ('r2_complete', 'completed', 'unpaid'),
             ('r2_pay', 'placed', 'refunded'), ('r2_reject', 'rejected', 'unpaid')$$,
    'restaurant 2''s orders are where staff moved them');
SELECT is(
    (SELECT count(*) FROM foodorder.status_change s JOIN ids ON ids.id = s.order_id
      WHERE ids.what LIKE 'r2%' AND s.changed_by = 'foodorder_tap_staff2'),
    9::bigint, 'the nine changes are recorded as made by foodorder_tap_staff2');
SELECT is((SELECT val FROM got WHERE what = 'restock'), '13',
    'restock(3, 5) returned the new stock: 10 - 3 ordered + 1 cancelled + 5');
SELECT is((SELECT val FROM got WHERE what = 'open_day'), '2',
    'open_day(2) reset the two dishes of restaurant 2 that have a daily stock');
SELECT results_eq(
    'SELECT id, restaurant_id, price_cents, stock, on_sale, daily_stock FROM foodorder.dish ORDER BY id',
    $$SELECT * FROM (VALUES (1::bigint, 1::bigint, 2800, 8, true, NULL::integer),
                            (2::bigint, 1::bigint, 200, 97, true, 50),
                            (3::bigint, 2::bigint, 1600, 25, true, 25),
                            (4::bigint, 2::bigint, 800, 40, false, 40)) AS v
      UNION ALL
      SELECT (SELECT val::bigint FROM got WHERE what = 'add_dish'), 2::bigint, 900, 12, true, 12$$,
    'restaurant 2''s menu has the new price, sale flag, daily stock and dish; restaurant 1''s is untouched');
SELECT results_eq(
    $$SELECT dish_id, reason, delta, changed_by::text COLLATE "default" FROM foodorder.stock_change
       ORDER BY reason, dish_id$$,
    $$VALUES (3::bigint, 'cancel'::text, 1, 'foodorder_tap_staff2'::text),
             (4, 'cancel', 1, 'foodorder_tap_staff2'),
             (3, 'open_day', 12, 'foodorder_tap_staff2'),
             (4, 'open_day', 10, 'foodorder_tap_staff2'),
             (4, 'reject', 2, 'foodorder_tap_staff2'),
             (3, 'restock', 5, 'foodorder_tap_staff2')$$,
    'the stock changes are logged with their reason and the staff role');
SELECT is((SELECT delivery_fee_cents FROM foodorder.restaurant WHERE id = 2), 250,
    'set_delivery_fee changed restaurant 2''s fee');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'every invariant holds');

CREATE TEMP TABLE before AS SELECT * FROM everything;

------------------------------------------------------------------------
-- Restaurant 1: 42501 and nothing written.
------------------------------------------------------------------------
SET LOCAL ROLE foodorder_tap_staff2;
SELECT throws_ok(format('SELECT foodorder.%s(%s)', f, ids.id), '42501',
        format('permission denied to %s order %s', verb, ids.id),
        format('%s of restaurant 1''s %s order: 42501', f, replace(ids.what, 'r1_', '')))
  FROM (VALUES (1, 'accept_order', 'accept', 'r1_placed'),
               (2, 'reject_order', 'reject', 'r1_placed'),
               (3, 'cancel_order', 'cancel', 'r1_placed'),
               (4, 'cancel_order', 'cancel', 'r1_accepted'),
               (5, 'mark_ready', 'mark ready', 'r1_accepted'),
               (6, 'complete_order', 'complete', 'r1_ready'),
               (7, 'mark_paid', 'mark paid', 'r1_placed'),
               (8, 'refund_order', 'refund', 'r1_paid')) AS v(n, f, verb, what)
  JOIN ids USING (what)
 ORDER BY n;
SELECT throws_ok(sql, '42501', 'permission denied for restaurant 1', d)
  FROM (VALUES (1, 'SELECT foodorder.restock(1, 5)', 'restock of restaurant 1''s dish: 42501'),
               (2, 'SELECT foodorder.set_price(1, 1)', 'set_price of restaurant 1''s dish: 42501'),
               (3, 'SELECT foodorder.set_on_sale(1, false)', 'set_on_sale of restaurant 1''s dish: 42501'),
               (4, 'SELECT foodorder.set_daily_stock(2, 5)', 'set_daily_stock of restaurant 1''s dish: 42501'),
               (5, 'SELECT foodorder.open_day(1)', 'open_day of restaurant 1: 42501'),
               (6, $$SELECT foodorder.add_dish(1, 'Planted dish', 1, 100)$$,
                   'add_dish to restaurant 1: 42501'),
               (7, 'SELECT foodorder.set_delivery_fee(1, 999)', 'set_delivery_fee of restaurant 1: 42501'))
       AS v(n, sql, d)
 ORDER BY n;

-- Not staff's at all: ordering, carts, customers, admin.
SELECT throws_ok(sql, '42501', 'permission denied for function ' || f, 'staff may not call ' || f)
  FROM (VALUES ('place_order', 'SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1])'),
               ('place_order_from_cart', 'SELECT foodorder.place_order_from_cart(1)'),
               ('cart_set', 'SELECT foodorder.cart_set(1, 3, 1)'),
               ('cart', 'SELECT * FROM foodorder.cart(1)'),
               ('cart_clear', 'SELECT foodorder.cart_clear(1)'),
               ('add_address', $$SELECT foodorder.add_address(1, 'x')$$),
               ('add_customer', $$SELECT foodorder.add_customer('x')$$),
               ('add_restaurant', $$SELECT foodorder.add_restaurant('x')$$),
               ('expire_orders', $$SELECT foodorder.expire_orders('0')$$),
               ('grant_staff', $$SELECT foodorder.grant_staff('foodorder_tap_staff2', 1)$$))
       AS v(f, sql)
 ORDER BY f;

-- No table writes, not even on its own restaurant's rows.
SELECT throws_ok(format(w.sql, t.tab, t.col), '42501', NULL,
        format('staff may not %s foodorder.%s', w.verb, t.tab))
  FROM (VALUES ('restaurant', 'delivery_fee_cents'), ('dish', 'stock'), ('orders', 'status'),
               ('order_item', 'quantity'), ('status_change', 'to_value'),
               ('stock_change', 'delta'), ('staff_role', 'restaurant_id'))
       AS t(tab, col),
       (VALUES (1, 'INSERT into', 'INSERT INTO foodorder.%I DEFAULT VALUES'),
               (2, 'UPDATE', 'UPDATE foodorder.%I SET %I = %2$I'),
               (3, 'DELETE from', 'DELETE FROM foodorder.%I'))
       AS w(n, verb, sql)
 ORDER BY t.tab, w.n;
SELECT throws_ok('UPDATE foodorder.dish SET stock = 999 WHERE restaurant_id = 2',
    '42501', NULL, 'staff may not UPDATE its own restaurant''s dishes directly');
SELECT throws_ok('SELECT * FROM foodorder.dish WHERE restaurant_id = 1 FOR UPDATE',
    '42501', NULL, 'staff may not lock restaurant 1''s dishes');
RESET ROLE;

SELECT results_eq('SELECT * FROM everything ORDER BY 1, 2', 'SELECT * FROM before ORDER BY 1, 2',
    'nothing written by the refused calls (every row of every table as before)');

------------------------------------------------------------------------
-- Once revoked, restaurant 2 is closed to it too.
------------------------------------------------------------------------
SELECT foodorder.revoke_staff('foodorder_tap_staff2', 2);
INSERT INTO ids VALUES ('r2_after_revoke', foodorder.place_order(1, ARRAY[3], ARRAY[1]));
CREATE TEMP TABLE before_revoked AS SELECT * FROM everything;
SET LOCAL ROLE foodorder_tap_staff2;
SELECT throws_ok(format('SELECT foodorder.accept_order(%s)', (SELECT id FROM ids WHERE what = 'r2_after_revoke')),
    '42501', NULL, 'after revoke_staff: accept_order at restaurant 2 is refused');
SELECT throws_ok('SELECT foodorder.restock(3, 1)',
    '42501', NULL, 'after revoke_staff: restock at restaurant 2 is refused');
RESET ROLE;
SELECT results_eq('SELECT * FROM everything ORDER BY 1, 2', 'SELECT * FROM before_revoked ORDER BY 1, 2',
    'and nothing was written');

SELECT * FROM finish();
ROLLBACK;
