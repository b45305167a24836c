-- test/standby: the primary's data, made by the owner (a superuser) in an
-- empty database.  Two restaurants, a menu, customers with login roles of
-- every kind, orders placed by the app role in every state the lifecycle
-- functions start from, and a cart.  Variables: dishes (restaurant 1's
-- dishes besides the hot dish 1), customers.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE EXTENSION foodorder;

-- Login roles: the app server, two customers, the noodle bar's kitchen, and
-- one with no kind yet for the grant functions' calls.
CREATE ROLE web LOGIN;
CREATE ROLE cust1 LOGIN;
CREATE ROLE cust2 LOGIN;
CREATE ROLE kitchen2 LOGIN;
CREATE ROLE newcomer LOGIN;

SELECT foodorder.add_restaurant('Noodle bar', delivery_fee_cents => 500);   -- 2

-- Restaurant 1: the hot dish 1 and :dishes others, stock for any rush.
INSERT INTO foodorder.dish (name, price_cents, stock)
SELECT 'Hot dish', 1500, 1000000;
INSERT INTO foodorder.dish (name, price_cents, stock)
SELECT 'Dish ' || i, 500 + 10 * i, 100000 FROM generate_series(1, :dishes) i;
-- Restaurant 2: a dish cooked daily (open_day) and one in stock.
SELECT foodorder.add_dish(2, 'Beef noodles', price_cents => 2200, stock => 0, daily_stock => 50);
SELECT foodorder.add_dish(2, 'Dumplings', price_cents => 900, stock => 200);
SELECT foodorder.open_day(2);

SELECT foodorder.add_customer('Customer ' || i) FROM generate_series(1, :customers) i;
SELECT foodorder.add_address(1, 'Building 3, room 701', 'office');

SELECT foodorder.grant_app('web');
SELECT foodorder.grant_customer('cust1', 1);
SELECT foodorder.grant_customer('cust2', 2);
SELECT foodorder.grant_staff('kitchen2', 2);

-- What stock + sold must stay for every dish, whatever is ordered,
-- cancelled or lost in a crash.
CREATE SCHEMA standby_test;
CREATE TABLE standby_test.portions AS
SELECT id AS dish_id, stock + sold AS portions FROM foodorder.dish;

-- Dish 1 takes the hot-dish path: its stock is in foodorder.dish_slot.
SELECT foodorder.set_hot(1);

-- Orders placed as the app role: customers 1 to 3 at both restaurants.
SET ROLE web;
SELECT foodorder.place_order(c, ARRAY[1, 1 + c], ARRAY[1, c]) FROM generate_series(1, 3) c;
SELECT foodorder.place_order(c, ARRAY[d.id], ARRAY[2])
  FROM generate_series(1, 3) c, foodorder.dish d
 WHERE d.restaurant_id = 2 ORDER BY c, d.id;
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], address => 1, pay_method => 'wechat',
                             request_key => 'tap-1');
SELECT foodorder.place_order(c, ARRAY[1], ARRAY[1]) FROM generate_series(1, 12) c;
SELECT foodorder.cart_set(1, 2, 2);
SELECT foodorder.cart_set(1, 1, 1);
RESET ROLE;

-- Move some along, so every lifecycle function has an order to start from.
-- Restaurant 2's orders (ids 4-9): accepted, ready, completed, paid, rejected,
-- and one left placed; restaurant 1's: one paid, one cancelled.
SELECT foodorder.accept_order(4), foodorder.accept_order(5), foodorder.mark_ready(5),
       foodorder.accept_order(6), foodorder.mark_ready(6), foodorder.complete_order(6),
       foodorder.mark_paid(7), foodorder.reject_order(8),
       foodorder.mark_paid(10), foodorder.cancel_order(11);
