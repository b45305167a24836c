-- Row-level security: what each kind of role sees with a plain SELECT.
-- A customer sees its own orders, lines, addresses, cart and history; an
-- app sees everything; staff sees its restaurants' orders, their lines,
-- history and addresses, and its dishes' stock log.  A role without a
-- foodorder grant is refused, even with SELECT granted by hand.  The caller
-- is the role after SET ROLE (foodorder.calling_role()), not the session
-- user, and not a role it merely belongs to.
\ir include/fixture.psql
SELECT plan(70);

INSERT INTO foodorder.restaurant (id, name) VALUES (2, 'Noodle bar');
INSERT INTO foodorder.dish (id, restaurant_id, name, price_cents, stock) VALUES
    (1, 1, 'Kung Pao chicken', 2800, 10),
    (2, 1, 'Steamed rice', 200, 100),
    (3, 2, 'Beef noodles', 1500, 10);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei'), (3, 'Wang Fang');
INSERT INTO foodorder.address (id, customer_id, detail) VALUES
    (10, 1, 'Desk 3'), (11, 1, 'Home of A'), (20, 2, 'Room 5'), (30, 3, 'Flat 9');

CREATE TEMP TABLE ids (what text PRIMARY KEY, id bigint);
GRANT ALL ON ids TO PUBLIC;
INSERT INTO ids VALUES
    ('a_r1', foodorder.place_order(1, ARRAY[1], ARRAY[1], 10)),
    ('a_r2', foodorder.place_order(1, ARRAY[3], ARRAY[1], 10)),
    ('b_r1', foodorder.place_order(2, ARRAY[1, 2], ARRAY[1, 2], 20)),
    ('b_r2', foodorder.place_order(2, ARRAY[3], ARRAY[2])),
    ('c_r1', foodorder.place_order(3, ARRAY[2], ARRAY[3], 30));
SELECT foodorder.mark_paid(id) FROM ids WHERE what = 'a_r1';
SELECT foodorder.accept_order(id) FROM ids WHERE what IN ('a_r2', 'b_r1');
SELECT foodorder.cancel_order(id) FROM ids WHERE what = 'c_r1';
SELECT foodorder.restock(1, 5), foodorder.restock(3, 5);
SELECT foodorder.cart_set(1, 1, 1), foodorder.cart_set(2, 2, 2), foodorder.cart_set(2, 3, 1);

-- An order by its name, for the expected results.
CREATE FUNCTION pg_temp.o(what text) RETURNS bigint LANGUAGE sql STABLE AS
    'SELECT id FROM ids WHERE ids.what = o.what';
GRANT EXECUTE ON FUNCTION pg_temp.o(text) TO PUBLIC;

CREATE ROLE foodorder_tap_cust_a NOLOGIN;
CREATE ROLE foodorder_tap_cust_b NOLOGIN;
CREATE ROLE foodorder_tap_app NOLOGIN;
CREATE ROLE foodorder_tap_staff1 NOLOGIN;
CREATE ROLE foodorder_tap_staff2 NOLOGIN;
SELECT foodorder.grant_customer('foodorder_tap_cust_a', 1);
SELECT foodorder.grant_customer('foodorder_tap_cust_b', 2);
SELECT foodorder.grant_app('foodorder_tap_app');
SELECT foodorder.grant_staff('foodorder_tap_staff1', 1);
SELECT foodorder.grant_staff('foodorder_tap_staff2', 2);

------------------------------------------------------------------------
-- Customer 1
------------------------------------------------------------------------
SET LOCAL ROLE foodorder_tap_cust_a;
SELECT results_eq('SELECT id, customer_id FROM foodorder.orders ORDER BY id',
    $$VALUES (pg_temp.o('a_r1'), 1::bigint), (pg_temp.o('a_r2'), 1::bigint)$$,
    'customer 1 sees exactly its two orders');
SELECT results_eq('SELECT order_id, dish_id, quantity FROM foodorder.order_item ORDER BY order_id, dish_id',
    $$VALUES (pg_temp.o('a_r1'), 1::bigint, 1), (pg_temp.o('a_r2'), 3::bigint, 1)$$,
    'customer 1 sees exactly the lines of its orders');
SELECT results_eq('SELECT id, customer_id FROM foodorder.address ORDER BY id',
    'VALUES (10::bigint, 1::bigint), (11::bigint, 1::bigint)',
    'customer 1 sees exactly its two addresses (also the one never used)');
SELECT results_eq('SELECT customer_id, dish_id, quantity FROM foodorder.cart_item ORDER BY dish_id',
    'VALUES (1::bigint, 1::bigint, 1)', 'customer 1 sees exactly its cart');
SELECT results_eq('SELECT order_id, field, to_value FROM foodorder.status_change ORDER BY id',
    $$VALUES (pg_temp.o('a_r1'), 'pay_status'::text, 'paid'::text),
             (pg_temp.o('a_r2'), 'status', 'accepted')$$,
    'customer 1 sees exactly the history of its orders');
SELECT is_empty('SELECT * FROM foodorder.orders WHERE customer_id <> 1',
    'asking for other customers'' orders by name finds nothing');
SELECT is_empty(format('SELECT * FROM foodorder.order_item WHERE order_id = %s', pg_temp.o('b_r1')),
    'nor another customer''s order lines by order id');
SELECT throws_ok('SELECT * FROM foodorder.stock_change', '42501', NULL,
    'customer 1 may not read the stock log');
SELECT throws_ok('SELECT * FROM foodorder.customer', '42501', NULL,
    'customer 1 may not read the customer list');
SELECT throws_ok('SELECT * FROM foodorder.customer_role', '42501', NULL,
    'customer 1 may not read which role is which customer');
SELECT is((SELECT count(*) FROM foodorder.dish), 3::bigint, 'customer 1 reads the whole menu (no RLS on dish)');
-- A function of its own in the query sees only rows the policy let through.
CREATE TEMP TABLE seen (order_id bigint, customer_id bigint);
CREATE FUNCTION pg_temp.peek(bigint, bigint) RETURNS boolean LANGUAGE plpgsql COST 0.0001 AS
    $$BEGIN INSERT INTO pg_temp.seen VALUES ($1, $2); RETURN true; END$$;
SELECT is_empty('SELECT * FROM foodorder.orders WHERE pg_temp.peek(id, customer_id) AND customer_id = 2',
    'a cheap function of the caller in WHERE finds no order of customer 2');
SELECT is_empty('SELECT * FROM pg_temp.seen WHERE customer_id <> 1',
    'and was never called with another customer''s row');
RESET ROLE;

------------------------------------------------------------------------
-- Customer 2
------------------------------------------------------------------------
SET LOCAL ROLE foodorder_tap_cust_b;
SELECT results_eq('SELECT id, customer_id FROM foodorder.orders ORDER BY id',
    $$VALUES (pg_temp.o('b_r1'), 2::bigint), (pg_temp.o('b_r2'), 2::bigint)$$,
    'customer 2 sees exactly its two orders');
SELECT results_eq('SELECT order_id, dish_id, quantity FROM foodorder.order_item ORDER BY order_id, dish_id',
    $$VALUES (pg_temp.o('b_r1'), 1::bigint, 1), (pg_temp.o('b_r1'), 2::bigint, 2),
             (pg_temp.o('b_r2'), 3::bigint, 2)$$,
    'customer 2 sees exactly the lines of its orders');
SELECT results_eq('SELECT id FROM foodorder.address ORDER BY id', 'VALUES (20::bigint)',
    'customer 2 sees exactly its address');
SELECT results_eq('SELECT customer_id, dish_id, quantity FROM foodorder.cart_item ORDER BY dish_id',
    'VALUES (2::bigint, 2::bigint, 2), (2::bigint, 3::bigint, 1)', 'customer 2 sees exactly its cart');
SELECT results_eq('SELECT order_id, to_value FROM foodorder.status_change ORDER BY id',
    $$VALUES (pg_temp.o('b_r1'), 'accepted'::text)$$,
    'customer 2 sees exactly the history of its orders');
RESET ROLE;

------------------------------------------------------------------------
-- App: everything it has SELECT on.
------------------------------------------------------------------------
SET LOCAL ROLE foodorder_tap_app;
SELECT results_eq('SELECT id FROM foodorder.orders ORDER BY id', 'SELECT id FROM ids ORDER BY id',
    'the app sees every order');
SELECT is((SELECT count(*) FROM foodorder.order_item), 6::bigint, 'the app sees every order line');
SELECT results_eq('SELECT id FROM foodorder.address ORDER BY id',
    'VALUES (10::bigint), (11::bigint), (20::bigint), (30::bigint)', 'the app sees every address');
SELECT is((SELECT count(*) FROM foodorder.cart_item), 3::bigint, 'the app sees every cart line');
SELECT is((SELECT count(*) FROM foodorder.status_change), 4::bigint, 'the app sees all history');
SELECT is((SELECT count(*) FROM foodorder.customer), 3::bigint, 'the app reads the customer list');
SELECT throws_ok('SELECT * FROM foodorder.stock_change', '42501', NULL,
    'the app may not read the stock log');
RESET ROLE;

------------------------------------------------------------------------
-- Staff of restaurant 2, then of restaurant 1.
------------------------------------------------------------------------
SET LOCAL ROLE foodorder_tap_staff2;
SELECT results_eq('SELECT id, restaurant_id FROM foodorder.orders ORDER BY id',
    $$VALUES (pg_temp.o('a_r2'), 2::bigint), (pg_temp.o('b_r2'), 2::bigint)$$,
    'staff of restaurant 2 sees exactly restaurant 2''s orders');
SELECT results_eq('SELECT order_id, dish_id, quantity FROM foodorder.order_item ORDER BY order_id, dish_id',
    $$VALUES (pg_temp.o('a_r2'), 3::bigint, 1), (pg_temp.o('b_r2'), 3::bigint, 2)$$,
    'and exactly their lines');
SELECT results_eq('SELECT order_id, to_value FROM foodorder.status_change ORDER BY id',
    $$VALUES (pg_temp.o('a_r2'), 'accepted'::text)$$, 'and exactly their history');
SELECT results_eq('SELECT id FROM foodorder.address ORDER BY id', 'VALUES (10::bigint)',
    'and exactly the addresses its orders go to');
SELECT results_eq('SELECT dish_id, reason, delta FROM foodorder.stock_change ORDER BY id',
    $$VALUES (3::bigint, 'restock'::text, 5)$$, 'and exactly the stock log of its dishes');
SELECT throws_ok('SELECT * FROM foodorder.cart_item', '42501', NULL, 'staff may not read carts');
SELECT throws_ok('SELECT * FROM foodorder.customer', '42501', NULL, 'staff may not read the customer list');
RESET ROLE;

SET LOCAL ROLE foodorder_tap_staff1;
SELECT results_eq('SELECT id FROM foodorder.orders ORDER BY id',
    $$VALUES (pg_temp.o('a_r1')), (pg_temp.o('b_r1')), (pg_temp.o('c_r1'))$$,
    'staff of restaurant 1 sees exactly restaurant 1''s orders, the cancelled one too');
SELECT results_eq('SELECT id FROM foodorder.address ORDER BY id',
    'VALUES (10::bigint), (20::bigint), (30::bigint)',
    'and the addresses they go to (not the unused address 11)');
SELECT results_eq('SELECT dish_id, reason, delta FROM foodorder.stock_change ORDER BY id',
    $$VALUES (2::bigint, 'cancel'::text, 3), (1::bigint, 'restock', 5)$$,
    'and exactly the stock log of restaurant 1''s dishes');
RESET ROLE;

-- Staff of both restaurants sees both.
SELECT foodorder.grant_staff('foodorder_tap_staff2', 1);
SET LOCAL ROLE foodorder_tap_staff2;
SELECT results_eq('SELECT id FROM foodorder.orders ORDER BY id', 'SELECT id FROM ids ORDER BY id',
    'staff of restaurants 1 and 2 sees the orders of both');
RESET ROLE;
SELECT foodorder.revoke_staff('foodorder_tap_staff2', 1);

------------------------------------------------------------------------
-- Roles without a foodorder grant.
------------------------------------------------------------------------
CREATE ROLE foodorder_tap_nogrant NOLOGIN;
CREATE ROLE foodorder_tap_usage NOLOGIN;
GRANT USAGE ON SCHEMA foodorder TO foodorder_tap_usage;
SET LOCAL ROLE foodorder_tap_nogrant;
SELECT throws_ok('SELECT * FROM foodorder.orders', '42501', NULL,
    'a role with no grant cannot SELECT foodorder.orders');
RESET ROLE;
SET LOCAL ROLE foodorder_tap_usage;
SELECT throws_ok(format('SELECT * FROM foodorder.%I', t), '42501', 'permission denied for table ' || t,
        'a role with only USAGE cannot SELECT foodorder.' || t)
  FROM unnest(ARRAY['address', 'cart_item', 'order_item', 'orders', 'status_change', 'stock_change']) AS t
 ORDER BY t;
RESET ROLE;

-- SELECT granted by hand, without a foodorder grant: the policies' helper
-- functions are not executable, so the query fails; with those granted by
-- hand too, the policies let no row through.
CREATE ROLE foodorder_tap_byhand NOLOGIN;
GRANT USAGE ON SCHEMA foodorder TO foodorder_tap_byhand;
GRANT SELECT ON foodorder.orders, foodorder.order_item, foodorder.address, foodorder.cart_item,
                foodorder.status_change, foodorder.stock_change, foodorder.dish
   TO foodorder_tap_byhand;
SET LOCAL ROLE foodorder_tap_byhand;
SELECT throws_ok(format('SELECT * FROM foodorder.%I', t), '42501', NULL,
        'SELECT granted by hand without a foodorder grant: reading foodorder.' || t || ' is refused')
  FROM unnest(ARRAY['address', 'cart_item', 'order_item', 'orders', 'status_change', 'stock_change']) AS t
 ORDER BY t;
RESET ROLE;
GRANT EXECUTE ON FUNCTION foodorder.caller_is_app(), foodorder.caller_customer(),
                          foodorder.caller_restaurants() TO foodorder_tap_byhand;
SET LOCAL ROLE foodorder_tap_byhand;
SELECT is_empty(format('SELECT * FROM foodorder.%I', t),
        'with the policy helpers granted by hand too, foodorder.' || t || ' shows no row')
  FROM unnest(ARRAY['address', 'cart_item', 'order_item', 'orders', 'status_change', 'stock_change']) AS t
 ORDER BY t;
RESET ROLE;

------------------------------------------------------------------------
-- The caller is the role after SET ROLE.
------------------------------------------------------------------------
GRANT EXECUTE ON FUNCTION foodorder.calling_role() TO foodorder_tap_cust_a, foodorder_tap_app;
SET LOCAL ROLE foodorder_tap_cust_a;
SELECT is(foodorder.calling_role()::text, 'foodorder_tap_cust_a',
    'a superuser session after SET ROLE foodorder_tap_cust_a: calling_role() is foodorder_tap_cust_a');
SELECT ok(session_user::text <> 'foodorder_tap_cust_a' AND
          (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user),
    'while the session user is still the superuser');
SELECT is(foodorder.caller_customer(), 1::bigint, 'caller_customer() is customer 1');
SELECT throws_ok('SELECT foodorder.place_order(2, ARRAY[1], ARRAY[1])',
    '42501', 'permission denied to act for customer 2',
    'the superuser session acting as foodorder_tap_cust_a may not order for customer 2');
SELECT throws_ok(format('SELECT foodorder.cancel_order(%s)', pg_temp.o('b_r2')),
    '42501', NULL, 'nor cancel customer 2''s order');
SELECT lives_ok($$INSERT INTO ids SELECT 'a_setrole', foodorder.place_order(1, ARRAY[2], ARRAY[1])$$,
    'it orders for customer 1');
SELECT is(foodorder.cancel_order(pg_temp.o('a_setrole')), true, 'and cancels that order');
RESET ROLE;
SELECT results_eq(
    $$SELECT changed_by::text COLLATE "default" FROM foodorder.status_change WHERE order_id = pg_temp.o('a_setrole')$$,
    $$VALUES ('foodorder_tap_cust_a'::text)$$,
    'the cancel is recorded as made by foodorder_tap_cust_a, not the session user');
SET LOCAL ROLE foodorder_tap_app;
SELECT is(foodorder.calling_role()::text, 'foodorder_tap_app',
    'after RESET ROLE and SET ROLE foodorder_tap_app: calling_role() is foodorder_tap_app');
SELECT is((SELECT count(*) FROM foodorder.orders), 6::bigint, 'and it sees every order');
RESET ROLE;

-- A login role that is a member of the customer role: as itself it is not
-- the customer (membership is not enough); after SET ROLE it is.
CREATE ROLE foodorder_tap_login NOLOGIN;
GRANT foodorder_tap_cust_a TO foodorder_tap_login;
SET LOCAL SESSION AUTHORIZATION foodorder_tap_login;
SELECT is((SELECT count(*) FROM foodorder.orders), 0::bigint,
    'a member of foodorder_tap_cust_a, as itself, inherits SELECT but sees no order');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1])',
    '42501', 'permission denied to act for customer 1',
    'and may not order for customer 1 as itself');
SET LOCAL ROLE foodorder_tap_cust_a;
SELECT is(foodorder.calling_role()::text, 'foodorder_tap_cust_a',
    'after SET ROLE foodorder_tap_cust_a the caller is foodorder_tap_cust_a');
SELECT is((SELECT count(*) FROM foodorder.orders), 3::bigint, 'and it sees customer 1''s three orders');
SELECT lives_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1])', 'and orders for customer 1');
RESET ROLE;
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
