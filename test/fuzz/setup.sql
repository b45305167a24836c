-- The data every function's fuzz cases start from (test/fuzz/run loads it,
-- as the owner, after emptying every table of the extension with
-- TRUNCATE ... RESTART IDENTITY, so the ids below are always the same).
--
--   restaurants  1 (default), 2 'Noodle bar' with a delivery fee
--   dishes       1 rice (r1), 2 soup (r1, 1 portion), 3 tea (r1, off sale),
--                4 noodles (r2), 5 dumplings (r2, none left, daily 50)
--   customers    1 (has an address, a cart, orders in every state),
--                2 (an address, a cart, orders at restaurant 2), 3 (nothing)
--   addresses    1 of customer 1, 2 of customer 2
--   orders       1 placed (request key 'k1'), 2 accepted ('k2'), 3 ready,
--                4 completed, 5 rejected, 6 cancelled, 7 placed and paid,
--                8 completed and refunded (customer 1, restaurant 1);
--                9 placed, delivered, 10 accepted (customer 2, restaurant 2)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

INSERT INTO foodorder.restaurant (id, name) VALUES (1, 'Default restaurant')
    ON CONFLICT (id) DO NOTHING;   -- CREATE EXTENSION made it, TRUNCATE did not
SELECT pg_catalog.setval('foodorder.restaurant_id_seq', 1);
SELECT foodorder.add_restaurant('Noodle bar', delivery_fee_cents => 500);

SELECT foodorder.add_dish(1, 'Rice', price_cents => 1000, stock => 1000, daily_stock => 1000);
SELECT foodorder.add_dish(1, 'Soup', price_cents => 800, stock => 1);
SELECT foodorder.add_dish(1, 'Tea', price_cents => 300, stock => 100);
SELECT foodorder.set_on_sale(3, false);
SELECT foodorder.add_dish(2, 'Noodles', price_cents => 2200, stock => 1000);
SELECT foodorder.add_dish(2, 'Dumplings', price_cents => 1500, stock => 0, daily_stock => 50);

SELECT foodorder.add_customer('Li Lei');
SELECT foodorder.add_customer('Han Meimei');
SELECT foodorder.add_customer('No Orders');
SELECT foodorder.add_address(1, 'Building 3, room 701', 'office');
SELECT foodorder.add_address(2, 'Building 5, room 101');

SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], request_key => 'k1');   -- 1 placed
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[2], request_key => 'k2');   -- 2
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], address => 1);          -- 3
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], pay_method => 'cash');  -- 4
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1]);                        -- 5
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1]);                        -- 6
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1], pay_method => 'wechat');-- 7
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1]);                        -- 8
SELECT foodorder.place_order(2, ARRAY[4], ARRAY[2], address => 2);          -- 9
SELECT foodorder.place_order(2, ARRAY[4], ARRAY[1]);                        -- 10

SELECT foodorder.accept_order(2);
SELECT foodorder.accept_order(3), foodorder.mark_ready(3);
SELECT foodorder.accept_order(4), foodorder.mark_ready(4), foodorder.complete_order(4);
SELECT foodorder.reject_order(5);
SELECT foodorder.cancel_order(6);
SELECT foodorder.mark_paid(7);
SELECT foodorder.mark_paid(8), foodorder.accept_order(8), foodorder.mark_ready(8),
       foodorder.complete_order(8), foodorder.refund_order(8);
SELECT foodorder.accept_order(10);

SELECT foodorder.cart_set(1, 1, 2);
SELECT foodorder.cart_set(2, 4, 1);
