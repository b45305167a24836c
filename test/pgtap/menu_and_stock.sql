-- The menu and stock functions of 1.1: add_dish, set_price, restock,
-- set_on_sale, set_daily_stock with open_day, set_delivery_fee.  What each
-- writes, its stock_change rows, and its refusals (which write nothing).
-- Run as the owner, who is trusted as staff of every restaurant; one staff
-- role checks that restock reports the right stock when the staff lookup
-- runs.
\ir include/fixture.psql
SELECT plan(71);

SELECT foodorder.add_restaurant('Noodle bar') AS r2 \gset
SELECT foodorder.add_restaurant('Dumpling house') AS r3 \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset

CREATE ROLE foodorder_tap2_staff NOLOGIN;
SELECT foodorder.grant_staff('foodorder_tap2_staff', 1) \gset

-- Everything the menu functions may write, as one value.
CREATE FUNCTION pg_temp.written() RETURNS text LANGUAGE sql AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(concat_ws(',', id, restaurant_id, name, price_cents, stock, sold,
                                     on_sale, daily_stock), ';' ORDER BY id) FROM foodorder.dish),
        (SELECT string_agg(concat_ws(',', id, name, delivery_fee_cents), ';' ORDER BY id)
           FROM foodorder.restaurant),
        (SELECT string_agg(concat_ws(',', id, total_count, total_cents), ';' ORDER BY id)
           FROM foodorder.orders),
        (SELECT string_agg(concat_ws(',', customer_id, dish_id, quantity), ';' ORDER BY customer_id, dish_id)
           FROM foodorder.cart_item),
        (SELECT string_agg(concat_ws(',', id, dish_id, delta, stock_after, reason), ';' ORDER BY id)
           FROM foodorder.stock_change)))
$$;

------------------------------------------------------------------------
-- add_dish
------------------------------------------------------------------------

SELECT foodorder.add_dish(:r2, 'Beef noodles', 2200, 10, 15) AS noodles \gset
SELECT results_eq(
    format('SELECT restaurant_id, name, price_cents, stock, sold, on_sale, daily_stock
              FROM foodorder.dish WHERE id = %s', :noodles),
    format($$VALUES (%s::bigint, 'Beef noodles'::text, 2200, 10, 0, true, 15)$$, :r2),
    'add_dish: the dish of the restaurant with its price, stock and daily stock, on sale, nothing sold');
SELECT foodorder.add_dish(1, 'Jasmine tea', 300) AS tea \gset
SELECT results_eq(
    format('SELECT restaurant_id, stock, daily_stock FROM foodorder.dish WHERE id = %s', :tea),
    'VALUES (1::bigint, 0, NULL::integer)',
    'add_dish defaults: stock 0, no daily stock');
SELECT is((SELECT count(*)::int FROM foodorder.stock_change), 0, 'add_dish writes no stock_change');

SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome($$SELECT foodorder.add_dish(99, 'Ghost dish', 100, 1)$$),
    '23503: restaurant 99 does not exist', 'add_dish for an unknown restaurant: 23503');
SELECT is(pg_temp.outcome($$SELECT foodorder.add_dish(1, 'Cheap', -1, 1)$$),
    '22023: price_cents, stock and daily_stock must not be negative / price_cents -1, stock 1, daily_stock null were given.',
    'add_dish with a negative price: 22023');
SELECT is(pg_temp.outcome($$SELECT foodorder.add_dish(1, 'Owed', 100, -1)$$),
    '22023: price_cents, stock and daily_stock must not be negative / price_cents 100, stock -1, daily_stock null were given.',
    'add_dish with a negative stock: 22023');
SELECT is(pg_temp.outcome($$SELECT foodorder.add_dish(1, 'Owed daily', 100, 1, -5)$$),
    '22023: price_cents, stock and daily_stock must not be negative / price_cents 100, stock 1, daily_stock -5 were given.',
    'add_dish with a negative daily stock: 22023');
SELECT throws_ok($$SELECT foodorder.add_dish(NULL, 'No place', 100, 1)$$, '22004',
    'restaurant, name, price_cents and stock must not be null', 'add_dish with a NULL restaurant: 22004');
SELECT throws_ok($$SELECT foodorder.add_dish(1, NULL, 100, 1)$$, '22004', NULL,
    'add_dish with a NULL name: 22004');
SELECT throws_ok($$SELECT foodorder.add_dish(1, 'Free?', NULL, 1)$$, '22004', NULL,
    'add_dish with a NULL price: 22004');
SELECT throws_ok($$SELECT foodorder.add_dish(1, 'Unknown stock', 100, NULL)$$, '22004', NULL,
    'add_dish with a NULL stock: 22004');
SELECT is(pg_temp.written(), :'before', 'the refused add_dish calls wrote nothing');

------------------------------------------------------------------------
-- set_price: orders keep their line prices, new orders pay the new one.
------------------------------------------------------------------------

SELECT foodorder.add_dish(1, 'Kung Pao chicken', 2800, 100) AS chicken \gset
SELECT foodorder.add_dish(1, 'Mapo tofu', 1800, 100) AS tofu \gset
SELECT foodorder.place_order(:c1, ARRAY[:chicken, :tofu]::bigint[], ARRAY[2, 1]) AS o_old \gset

SELECT lives_ok(format('SELECT foodorder.set_price(%s, 3000)', :chicken), 'set_price 2800 -> 3000');
SELECT is((SELECT price_cents FROM foodorder.dish WHERE id = :chicken), 3000, 'the dish costs 3000 now');
SELECT results_eq(
    format('SELECT dish_id, price_cents FROM foodorder.order_item WHERE order_id = %s ORDER BY dish_id', :o_old),
    format('VALUES (%s::bigint, 2800), (%s, 1800)', :chicken, :tofu),
    'the order placed before keeps its line price 2800');
SELECT is((SELECT total_cents FROM foodorder.orders WHERE id = :o_old), 7400::bigint,
    'and its total 2 * 2800 + 1800');
SELECT foodorder.place_order(:c1, ARRAY[:chicken, :tofu]::bigint[], ARRAY[2, 1]) AS o_new \gset
SELECT results_eq(
    format('SELECT i.price_cents, o.total_cents FROM foodorder.order_item i
              JOIN foodorder.orders o ON o.id = i.order_id
             WHERE i.order_id = %s AND i.dish_id = %s', :o_new, :chicken),
    'VALUES (3000, 7800::bigint)',
    'a new order pays the new price: line 3000, total 2 * 3000 + 1800');
SELECT lives_ok(format('SELECT foodorder.set_price(%s, 0)', :tofu), 'set_price to 0 (free) is allowed');

SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.set_price(%s, -1)', :chicken)),
    '22023: price must not be negative / -1 cents were given.', 'set_price to -1: 22023');
SELECT is(pg_temp.outcome('SELECT foodorder.set_price(999999, 100)'),
    '23503: dish 999999 does not exist', 'set_price of an unknown dish: 23503');
SELECT is(pg_temp.written(), :'before', 'the refused set_price calls wrote nothing');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty after the price changes');

------------------------------------------------------------------------
-- restock
------------------------------------------------------------------------

SELECT is(foodorder.restock(:tea, 5), 5, 'restock returns the new stock (0 + 5)');
SELECT is(foodorder.restock(:tea, 7), 12, 'restock again returns 5 + 7');
SELECT results_eq(
    format('SELECT stock, sold FROM foodorder.dish WHERE id = %s', :tea),
    'VALUES (12, 0)', 'the dish has the new stock, sold untouched');
SELECT results_eq(
    format('SELECT dish_id, delta, stock_after, reason, order_id, changed_by::text COLLATE "default", changed_at = now()
              FROM foodorder.stock_change WHERE dish_id = %s ORDER BY id', :tea),
    format($$VALUES (%1$s::bigint, 5, 5, 'restock'::text, NULL::bigint, %2$L::text, true),
                    (%1$s, 7, 12, 'restock', NULL, %2$L, true)$$, :tea, current_user),
    'one stock_change row per restock: delta, stock after, reason restock, no order');

SET LOCAL ROLE foodorder_tap2_staff;
SELECT is(foodorder.restock(:chicken, 10), 106, 'staff restock returns the new stock (96 + 10)');
RESET ROLE;
SELECT results_eq(
    format('SELECT d.stock, s.delta, s.stock_after, s.changed_by::text COLLATE "default"
              FROM foodorder.dish d JOIN foodorder.stock_change s ON s.dish_id = d.id
             WHERE d.id = %s', :chicken),
    $$VALUES (106, 10, 106, 'foodorder_tap2_staff'::text)$$,
    'staff restock: stock 106, logged under the staff role');

SELECT foodorder.add_dish(1, 'Rice mountain', 100, 2147483600) AS mountain \gset
SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.restock(%s, 0)', :tea)),
    format('22023: restock quantity must be positive / 0 portions of dish %s were given.', :tea),
    'restock 0: 22023');
SELECT is(pg_temp.outcome(format('SELECT foodorder.restock(%s, -1)', :tea)),
    format('22023: restock quantity must be positive / -1 portions of dish %s were given.', :tea),
    'restock -1: 22023');
SELECT is(pg_temp.outcome('SELECT foodorder.restock(999999, 1)'),
    '23503: dish 999999 does not exist', 'restock of an unknown dish: 23503');
SELECT is(pg_temp.outcome(format('SELECT foodorder.restock(%s, 48)', :mountain)),
    format('22003: stock of dish %s would be out of range / It has 2147483600 portions; 48 more would exceed 2147483647.', :mountain),
    'restock past 2147483647: 22003');
SELECT is(pg_temp.outcome(format('SELECT foodorder.restock(%s, 2147483647)', :mountain)),
    format('22003: stock of dish %s would be out of range / It has 2147483600 portions; 2147483647 more would exceed 2147483647.', :mountain),
    'restock of INT_MAX onto a big stock: 22003');
SET LOCAL ROLE foodorder_tap2_staff;
SELECT is(pg_temp.outcome(format('SELECT foodorder.restock(%s, 48)', :mountain)),
    format('22003: stock of dish %s would be out of range / It has 2147483600 portions; 48 more would exceed 2147483647.', :mountain),
    'staff restock past 2147483647: 22003, with the stock as locked (the staff lookup in between does not lose it)');
RESET ROLE;
SELECT is(pg_temp.written(), :'before', 'the refused restock calls wrote nothing');
SELECT is(foodorder.restock(:mountain, 47), 2147483647, 'restock up to exactly 2147483647 is allowed');
SELECT is(foodorder.restock(NULL, 1), NULL, 'restock(NULL, 1) is NULL (STRICT)');
SELECT is(foodorder.restock(:tea, NULL), NULL, 'restock(dish, NULL) is NULL (STRICT)');

------------------------------------------------------------------------
-- set_on_sale
------------------------------------------------------------------------

SELECT lives_ok(format('SELECT foodorder.set_on_sale(%s, false)', :tofu), 'set_on_sale false');
SELECT is((SELECT on_sale FROM foodorder.dish WHERE id = :tofu), false, 'the dish is off sale');
SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s]::bigint[], ARRAY[1])', :c1, :tofu)),
    format('OR002: dish %1$s is not on sale / Dish %1$s (Mapo tofu) has been taken off the menu.', :tofu),
    'place_order of the off-sale dish: OR002, the detail names the dish');
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s, %s]::bigint[], ARRAY[1, 1])',
                                 :c1, :chicken, :tofu)),
    format('OR002: dish %1$s is not on sale / Dish %1$s (Mapo tofu) has been taken off the menu.', :tofu),
    'place_order of an on-sale and the off-sale dish: OR002');
SELECT is(pg_temp.outcome(format('SELECT foodorder.cart_set(%s, %s, 1)', :c1, :tofu)),
    format('OR002: dish %1$s is not on sale / Dish %1$s (Mapo tofu) has been taken off the menu.', :tofu),
    'cart_set of the off-sale dish: OR002, the detail names the dish');
SELECT is(pg_temp.written(), :'before', 'the refused orders and cart_set wrote nothing');
SELECT lives_ok(format('SELECT foodorder.set_on_sale(%s, true)', :tofu), 'set_on_sale true');
SELECT lives_ok(format('SELECT foodorder.place_order(%s, ARRAY[%s]::bigint[], ARRAY[1])', :c1, :tofu),
    'the dish back on sale can be ordered');
SELECT lives_ok(format('SELECT foodorder.cart_set(%s, %s, 1)', :c1, :tofu),
    'and put in a cart');
SELECT is(pg_temp.outcome('SELECT foodorder.set_on_sale(999999, false)'),
    '23503: dish 999999 does not exist', 'set_on_sale of an unknown dish: 23503');

------------------------------------------------------------------------
-- set_daily_stock and open_day
------------------------------------------------------------------------

SELECT foodorder.add_dish(:r3, 'Pork dumplings', 1500, 3) AS pork \gset
SELECT foodorder.add_dish(:r3, 'Leek dumplings', 1300, 8, 5) AS leek \gset
SELECT foodorder.add_dish(:r3, 'Pickles', 300, 7) AS pickles \gset
SELECT foodorder.add_dish(1, 'Daily soup', 500, 1, 50) AS soup \gset
SELECT lives_ok(format('SELECT foodorder.set_daily_stock(%s, 20)', :pork), 'set_daily_stock 20');
SELECT is((SELECT daily_stock FROM foodorder.dish WHERE id = :pork), 20, 'the dish has daily stock 20');
-- Two leek dumplings sold before the day opens: stock 6, sold 2.
SELECT foodorder.place_order(:c1, ARRAY[:leek]::bigint[], ARRAY[2]) AS o_leek \gset

SELECT is(foodorder.open_day(:r3), 2, 'open_day returns the number of dishes with a daily stock');
SELECT results_eq(
    format('SELECT id, stock, sold FROM foodorder.dish WHERE id IN (%s, %s, %s, %s) ORDER BY id',
           :pork, :leek, :pickles, :soup),
    format('VALUES (%s::bigint, 20, 0), (%s, 5, 2), (%s, 7, 0), (%s, 1, 0)', :pork, :leek, :pickles, :soup),
    'open_day: stock reset to the daily stock (up and down), sold kept; no daily stock or other restaurant untouched');
SELECT results_eq(
    format($$SELECT dish_id, delta, stock_after, order_id, changed_by::text COLLATE "default"
               FROM foodorder.stock_change WHERE reason = 'open_day' ORDER BY dish_id$$),
    format($$VALUES (%s::bigint, 17, 20, NULL::bigint, %L::text), (%s, -1, 5, NULL, %L)$$,
           :pork, current_user, :leek, current_user),
    'open_day: stock_change rows with the delta (+17, -1) and the stock after, for those two dishes only');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty after open_day');

SELECT lives_ok(format('SELECT foodorder.set_daily_stock(%s, NULL)', :pork), 'set_daily_stock NULL clears it');
SELECT lives_ok(format('SELECT foodorder.restock(%s, 1)', :pork), 'restock it by one');
SELECT is(foodorder.open_day(:r3), 1, 'open_day now resets one dish');
SELECT is((SELECT stock FROM foodorder.dish WHERE id = :pork), 21, 'the dish without daily stock keeps its stock');
SELECT is(foodorder.open_day(:r2), 1, 'open_day of the noodle bar resets its one dish');
SELECT is((SELECT stock FROM foodorder.dish WHERE id = :noodles), 15, 'to its daily stock 15');

SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.set_daily_stock(%s, -1)', :leek)),
    '22023: daily stock must not be negative / -1 portions were given.', 'set_daily_stock -1: 22023');
SELECT throws_ok('SELECT foodorder.set_daily_stock(NULL, 5)', '22004', 'dish must not be null',
    'set_daily_stock of a NULL dish: 22004');
SELECT is(pg_temp.outcome('SELECT foodorder.set_daily_stock(999999, 5)'),
    '23503: dish 999999 does not exist', 'set_daily_stock of an unknown dish: 23503');
SELECT is(pg_temp.outcome('SELECT foodorder.open_day(999)'),
    '23503: restaurant 999 does not exist', 'open_day of an unknown restaurant: 23503');
SELECT is(pg_temp.written(), :'before', 'the refused calls wrote nothing');

------------------------------------------------------------------------
-- set_delivery_fee
------------------------------------------------------------------------

SELECT lives_ok(format('SELECT foodorder.set_delivery_fee(%s, 350)', :r2), 'set_delivery_fee 350');
SELECT is((SELECT delivery_fee_cents FROM foodorder.restaurant WHERE id = :r2), 350,
    'the restaurant''s fee is 350');
SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.set_delivery_fee(%s, -1)', :r2)),
    '22023: delivery fee must not be negative / -1 cents were given.', 'set_delivery_fee -1: 22023');
SELECT is(pg_temp.outcome('SELECT foodorder.set_delivery_fee(999, 100)'),
    '23503: restaurant 999 does not exist',
    'set_delivery_fee of an unknown restaurant: 23503, as open_day and add_dish do');
SELECT is(pg_temp.outcome('SELECT foodorder.add_restaurant(''Cheap'', -1)'),
    '22023: delivery fee must not be negative / -1 cents were given.',
    'add_restaurant with a fee of -1: 22023, as set_delivery_fee (1.2; 1.1 gave the table''s 23514)');
SELECT is(pg_temp.written(), :'before', 'the refused set_delivery_fee and add_restaurant calls wrote nothing');

SELECT * FROM finish();
ROLLBACK;
