-- test/standby: one valid call of every function of the extension, made by
-- the owner after setup.sql.  'writes': it succeeds on the primary (run there
-- in a transaction that is rolled back) and must fail on a standby with
-- 25006; 'reads': it must work on a standby.  Calls find the orders they
-- need by state, so they stay valid if setup.sql changes.  run checks that
-- this table names every function that is a member of the extension
-- (pg_depend deptype 'e') and nothing else, so a new function fails the test
-- until it is listed here.
\set ON_ERROR_STOP 1

CREATE TABLE standby_test.call (
    fn   text PRIMARY KEY,      -- pg_proc.oid::regprocedure::text
    kind text NOT NULL CHECK (kind IN ('reads', 'writes')),
    sql  text NOT NULL
);

INSERT INTO standby_test.call VALUES
-- ordering and the cart
('foodorder.place_order(bigint,bigint[],integer[],bigint,text,text)', 'writes',
 $$SELECT foodorder.place_order(2, ARRAY[1, 3], ARRAY[1, 1], pay_method => 'cash', request_key => 'call-1')$$),
('foodorder.place_order_from_cart(bigint,bigint,text,text)', 'writes',
 $$SELECT foodorder.place_order_from_cart(1, address => 1)$$),
('foodorder.cart_set(bigint,bigint,integer)', 'writes',
 $$SELECT foodorder.cart_set(2, 3, 4)$$),
('foodorder.cart_clear(bigint)', 'writes',
 $$SELECT foodorder.cart_clear(1)$$),
('foodorder.add_customer(text)', 'writes',
 $$SELECT foodorder.add_customer('Walk-in')$$),
('foodorder.add_address(bigint,text,text)', 'writes',
 $$SELECT foodorder.add_address(2, 'Building 5, room 12', 'home')$$),
('foodorder.check_address_room(bigint)', 'writes',
 $$SELECT foodorder.check_address_room(2)$$),
-- the lifecycle, each from a state it may start from
('foodorder.accept_order(bigint)', 'writes',
 $$SELECT foodorder.accept_order((SELECT min(id) FROM foodorder.orders WHERE status = 'placed'))$$),
('foodorder.reject_order(bigint)', 'writes',
 $$SELECT foodorder.reject_order((SELECT min(id) FROM foodorder.orders WHERE status = 'placed'))$$),
('foodorder.cancel_order(bigint)', 'writes',
 $$SELECT foodorder.cancel_order((SELECT min(id) FROM foodorder.orders WHERE status = 'placed'))$$),
('foodorder.mark_ready(bigint)', 'writes',
 $$SELECT foodorder.mark_ready((SELECT min(id) FROM foodorder.orders WHERE status = 'accepted'))$$),
('foodorder.complete_order(bigint)', 'writes',
 $$SELECT foodorder.complete_order((SELECT min(id) FROM foodorder.orders WHERE status = 'ready'))$$),
('foodorder.mark_paid(bigint,bigint,text)', 'writes',
 $$SELECT foodorder.mark_paid(o.id, o.total_cents, 'standby-' || o.id)
     FROM foodorder.orders o WHERE o.id = (SELECT min(id) FROM foodorder.orders
                                            WHERE status = 'placed' AND pay_status = 'unpaid')$$),
('foodorder.refund_order(bigint)', 'writes',
 $$SELECT foodorder.refund_order((SELECT min(id) FROM foodorder.orders WHERE pay_status = 'paid'))$$),
('foodorder.expire_orders(interval)', 'writes',
 $$SELECT foodorder.expire_orders('0 seconds')$$),
-- menu and stock
('foodorder.add_restaurant(text,integer)', 'writes',
 $$SELECT foodorder.add_restaurant('Pizza place', 300)$$),
('foodorder.set_delivery_fee(bigint,integer)', 'writes',
 $$SELECT foodorder.set_delivery_fee(2, 300)$$),
('foodorder.add_dish(bigint,text,integer,integer,integer)', 'writes',
 $$SELECT foodorder.add_dish(2, 'Soup', 800, 10)$$),
('foodorder.set_price(bigint,integer)', 'writes',
 $$SELECT foodorder.set_price(1, 1600)$$),
('foodorder.set_on_sale(bigint,boolean)', 'writes',
 $$SELECT foodorder.set_on_sale(2, false)$$),
('foodorder.set_daily_stock(bigint,integer)', 'writes',
 $$SELECT foodorder.set_daily_stock((SELECT max(id) FROM foodorder.dish WHERE restaurant_id = 2), 40)$$),
('foodorder.open_day(bigint)', 'writes',
 $$SELECT foodorder.open_day(2)$$),
('foodorder.restock(bigint,integer)', 'writes',
 $$SELECT foodorder.restock(1, 5)$$),
('foodorder.lock_dish_for_staff(bigint)', 'writes',
 $$SELECT foodorder.lock_dish_for_staff(1)$$),
-- hot dishes
('foodorder.set_hot(bigint,boolean)', 'writes',
 $$SELECT foodorder.set_hot(1)$$),
('foodorder.lock_hot_slots(bigint)', 'writes',
 $$SELECT foodorder.lock_hot_slots(1)$$),
('foodorder.settle_hot_stock(bigint[],integer[],integer[])', 'writes',
 $$SELECT * FROM foodorder.settle_hot_stock(ARRAY[1], ARRAY[0], ARRAY[0])$$),
-- grants
('foodorder.grant_app(name)', 'writes', $$SELECT foodorder.grant_app('newcomer')$$),
('foodorder.revoke_app(name)', 'writes', $$SELECT foodorder.revoke_app('web')$$),
('foodorder.grant_customer(name,bigint)', 'writes', $$SELECT foodorder.grant_customer('newcomer', 3)$$),
('foodorder.revoke_customer(name)', 'writes', $$SELECT foodorder.revoke_customer('cust2')$$),
('foodorder.grant_staff(name,bigint)', 'writes', $$SELECT foodorder.grant_staff('newcomer', 2)$$),
('foodorder.revoke_staff(name,bigint)', 'writes', $$SELECT foodorder.revoke_staff('kitchen2', 2)$$),
('foodorder.sync_role_privileges(regrole)', 'writes', $$SELECT foodorder.sync_role_privileges('web')$$),
-- the read-only ones
('foodorder.calling_role()', 'reads', $$SELECT foodorder.calling_role()$$),
('foodorder.authorize_customer(bigint)', 'reads', $$SELECT foodorder.authorize_customer(1)$$),
('foodorder.authorize_staff(bigint)', 'reads', $$SELECT foodorder.authorize_staff(2)$$),
('foodorder.caller_is_app()', 'reads', $$SELECT foodorder.caller_is_app()$$),
('foodorder.caller_customer()', 'reads', $$SELECT foodorder.caller_customer()$$),
('foodorder.caller_restaurants()', 'reads', $$SELECT foodorder.caller_restaurants()$$),
('foodorder.cart(bigint)', 'reads', $$SELECT * FROM foodorder.cart(1)$$),
('foodorder.customer_orders(bigint)', 'reads', $$SELECT * FROM foodorder.customer_orders(1)$$),
('foodorder.verify()', 'reads', $$SELECT * FROM foodorder.verify()$$),
('foodorder.role_kind_privileges()', 'reads', $$SELECT * FROM foodorder.role_kind_privileges()$$),
('foodorder.role_kind_privileges_1_1()', 'reads', $$SELECT * FROM foodorder.role_kind_privileges_1_1()$$),
('foodorder.role_named(name)', 'reads', $$SELECT foodorder.role_named('web')$$),
('foodorder.check_length(text,text,integer)', 'reads', $$SELECT foodorder.check_length('name', 'Li Lei', 200)$$),
('foodorder.bound_lock_wait()', 'reads', $$SELECT foodorder.bound_lock_wait()$$);
