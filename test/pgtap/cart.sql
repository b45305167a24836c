-- The cart: cart_set adds, replaces and removes; cart() lists at today's
-- prices; cart_clear empties.  place_order_from_cart orders exactly the
-- cart and empties it, refuses as place_order does (leaving the cart and
-- everything else as it was), and returns the first order on a retry with
-- the same request key once the cart is empty.
\ir include/fixture.psql
SELECT plan(55);

SELECT foodorder.add_dish(1, 'Kung Pao chicken', 2800, 5) AS chicken \gset
SELECT foodorder.add_dish(1, 'Mapo tofu', 1800, 10) AS tofu \gset
SELECT foodorder.add_dish(1, 'Steamed rice', 200, 100) AS rice \gset
SELECT foodorder.add_restaurant('Noodle bar', 500) AS r2 \gset
SELECT foodorder.add_dish(:r2, 'Beef noodles', 2200, 10) AS noodles \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset
SELECT foodorder.add_customer('Han Meimei') AS c2 \gset
SELECT foodorder.add_address(:c1, 'Room 12') AS a1 \gset

-- Everything cart and ordering functions may write, as one value.
CREATE FUNCTION pg_temp.written() RETURNS text LANGUAGE sql AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(concat_ws(',', id, stock, sold), ';' ORDER BY id) FROM foodorder.dish),
        (SELECT string_agg(concat_ws(',', id, customer_id, status, total_count, total_cents,
                                     request_key), ';' ORDER BY id) FROM foodorder.orders),
        (SELECT string_agg(concat_ws(',', order_id, dish_id, quantity, price_cents), ';'
                           ORDER BY order_id, dish_id) FROM foodorder.order_item),
        (SELECT string_agg(concat_ws(',', customer_id, dish_id, quantity), ';'
                           ORDER BY customer_id, dish_id) FROM foodorder.cart_item),
        (SELECT count(*) FROM foodorder.stock_change),
        (SELECT count(*) FROM foodorder.status_change)))
$$;

------------------------------------------------------------------------
-- cart_set, cart(), cart_clear
------------------------------------------------------------------------

SELECT lives_ok(format('SELECT foodorder.cart_set(%s, %s, 2)', :c1, :tofu), 'cart_set adds a dish');
SELECT results_eq(
    'SELECT customer_id, dish_id, quantity, added_at = now() FROM foodorder.cart_item',
    format('VALUES (%s::bigint, %s::bigint, 2, true)', :c1, :tofu),
    'one cart_item row: the customer, the dish, 2 portions');
SELECT lives_ok(format('SELECT foodorder.cart_set(%s, %s, 1)', :c1, :chicken), 'cart_set adds a second dish');
SELECT lives_ok(format('SELECT foodorder.cart_set(%s, %s, 3)', :c1, :tofu), 'cart_set on a dish in the cart');
SELECT results_eq(
    'SELECT customer_id, dish_id, quantity FROM foodorder.cart_item ORDER BY dish_id',
    format('VALUES (%1$s::bigint, %2$s::bigint, 1), (%1$s, %3$s, 3)', :c1, :chicken, :tofu),
    'cart_set on a dish in the cart sets its quantity (3, not 2 + 3)');
SELECT lives_ok(format('SELECT foodorder.cart_set(%s, %s, 1)', :c2, :rice), 'another customer''s cart');

SELECT results_eq(
    format('SELECT * FROM foodorder.cart(%s)', :c1),
    format($$VALUES (%s::bigint, 'Kung Pao chicken'::text, 1, 2800, 2800::bigint, true, 1::bigint),
                    (%s, 'Mapo tofu', 3, 1800, 5400, true, 1)$$, :chicken, :tofu),
    'cart() lists the dishes by id with name, quantity, price, line total, on_sale, restaurant');
SELECT results_eq(
    format('SELECT dish_id, quantity FROM foodorder.cart(%s)', :c2),
    format('VALUES (%s::bigint, 1)', :rice),
    'cart() of the other customer lists only its own dish');
SELECT foodorder.set_price(:tofu, 1900) \gset
SELECT results_eq(
    format('SELECT dish_id, price_cents, line_cents FROM foodorder.cart(%s) WHERE dish_id = %s', :c1, :tofu),
    format('VALUES (%s::bigint, 1900, 5700::bigint)', :tofu),
    'cart() shows today''s price after set_price');

SELECT pg_temp.written() AS before \gset
SELECT lives_ok(format('SELECT foodorder.cart_set(%s, %s, 0)', :c1, :rice),
    'cart_set 0 of a dish not in the cart does nothing');
SELECT is(pg_temp.written(), :'before', 'and writes nothing');
SELECT is(pg_temp.outcome(format('SELECT foodorder.cart_set(%s, %s, -1)', :c1, :tofu)),
    format('22023: quantity must not be negative / -1 portions of dish %s were given. / hint: Use 0 to take the dish out of the cart.', :tofu),
    'cart_set -1: 22023');
SELECT is(pg_temp.outcome(format('SELECT foodorder.cart_set(%s, 999999, 1)', :c1)),
    '23503: dish 999999 does not exist', 'cart_set of an unknown dish: 23503');
SELECT is(pg_temp.outcome(format('SELECT foodorder.cart_set(999, %s, 1)', :tofu)),
    '23503: customer 999 does not exist', 'cart_set for an unknown customer: 23503');
SELECT throws_ok(format('SELECT foodorder.cart_set(NULL, %s, 1)', :tofu), '22004', NULL,
    'cart_set with a NULL customer: 22004');
SELECT throws_ok(format('SELECT foodorder.cart_set(%s, NULL, 1)', :c1), '22004', NULL,
    'cart_set with a NULL dish: 22004');
SELECT throws_ok(format('SELECT foodorder.cart_set(%s, %s, NULL)', :c1, :tofu), '22004', NULL,
    'cart_set with a NULL quantity: 22004');
SELECT is(pg_temp.written(), :'before', 'the refused cart_set calls wrote nothing');

SELECT lives_ok(format('SELECT foodorder.cart_set(%s, %s, 0)', :c1, :chicken), 'cart_set 0 of a dish in the cart');
SELECT results_eq(
    'SELECT customer_id, dish_id, quantity FROM foodorder.cart_item ORDER BY customer_id, dish_id',
    format('VALUES (%s::bigint, %s::bigint, 3), (%s, %s, 1)', :c1, :tofu, :c2, :rice),
    'cart_set 0 removed that dish only');

SELECT lives_ok(format('SELECT foodorder.cart_set(%s, %s, 2)', :c1, :rice), 'put rice in the cart');
SELECT is(foodorder.cart_clear(:c1), 2, 'cart_clear returns how many dishes were in the cart');
SELECT is_empty(format('SELECT * FROM foodorder.cart(%s)', :c1), 'the cart is empty');
SELECT is(foodorder.cart_clear(:c1), 0, 'cart_clear of an empty cart returns 0');
SELECT results_eq(
    'SELECT customer_id, dish_id, quantity FROM foodorder.cart_item',
    format('VALUES (%s::bigint, %s::bigint, 1)', :c2, :rice),
    'cart_clear left the other customer''s cart alone');

------------------------------------------------------------------------
-- place_order_from_cart orders exactly the cart.
------------------------------------------------------------------------

SELECT foodorder.cart_set(:c1, :tofu, 3) \gset
SELECT foodorder.cart_set(:c1, :chicken, 2) \gset
SELECT foodorder.place_order_from_cart(:c1, :a1, 'card', 'cart-1') AS o1 \gset
SELECT results_eq(
    format('SELECT dish_id, quantity, price_cents FROM foodorder.order_item WHERE order_id = %s ORDER BY dish_id', :o1),
    format('SELECT dish_id, quantity, price_cents FROM (VALUES (%s::bigint, 2, 2800), (%s::bigint, 3, 1900)) v(dish_id, quantity, price_cents)',
           :chicken, :tofu),
    'the order''s lines are the cart''s dishes and quantities at today''s prices');
SELECT results_eq(
    format('SELECT customer_id, status, total_count, total_cents, address_id, pay_method, request_key
              FROM foodorder.orders WHERE id = %s', :o1),
    format($$VALUES (%s::bigint, 'placed'::text, 5, 11300::bigint, %s::bigint, 'card'::text, 'cart-1'::text)$$, :c1, :a1),
    'the order: placed, 5 portions, 2 * 2800 + 3 * 1900, address, pay method and key stored');
SELECT results_eq(
    format('SELECT id, stock, sold FROM foodorder.dish WHERE id IN (%s, %s) ORDER BY id', :chicken, :tofu),
    format('VALUES (%s::bigint, 3, 2), (%s, 7, 3)', :chicken, :tofu),
    'the stock of the cart''s dishes went down by the cart''s quantities');
SELECT is_empty(format('SELECT * FROM foodorder.cart_item WHERE customer_id = %s', :c1),
    'the customer''s cart is empty after ordering it');
SELECT results_eq(
    'SELECT customer_id, dish_id, quantity FROM foodorder.cart_item',
    format('VALUES (%s::bigint, %s::bigint, 1)', :c2, :rice),
    'the other customer''s cart is untouched');

-- A retry with the same key once the cart is empty: the first order, nothing more.
SELECT pg_temp.written() AS before \gset
SELECT is(foodorder.place_order_from_cart(:c1, :a1, 'card', 'cart-1'), :o1::bigint,
    'a retry with the same request key and the emptied cart returns the first order id');
SELECT is(pg_temp.written(), :'before', 'and writes nothing');

-- Empty cart without a used key: 22023; unknown customer: 23503.
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order_from_cart(%s)', :c1)),
    format('22023: cart of customer %s is empty / hint: Add dishes with foodorder.cart_set() first.', :c1),
    'ordering an empty cart: 22023');
SELECT is(pg_temp.outcome(format($$SELECT foodorder.place_order_from_cart(%s, request_key => 'cart-new')$$, :c1)),
    format('22023: cart of customer %s is empty / hint: Add dishes with foodorder.cart_set() first.', :c1),
    'ordering an empty cart with a new key: 22023');
SELECT is(pg_temp.outcome('SELECT foodorder.place_order_from_cart(999)'),
    '23503: customer 999 does not exist', 'ordering the cart of an unknown customer: 23503');
SELECT throws_ok('SELECT foodorder.place_order_from_cart(NULL)', '22004', NULL,
    'ordering the cart of a NULL customer: 22004');
SELECT is(pg_temp.written(), :'before', 'the refused empty-cart orders wrote nothing');

------------------------------------------------------------------------
-- Refusals leave the cart as it was and write nothing.
------------------------------------------------------------------------

-- OR001: more in the cart than in stock (3 chicken left).
SELECT foodorder.cart_set(:c1, :chicken, 4) \gset
SELECT foodorder.cart_set(:c1, :tofu, 1) \gset
SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order_from_cart(%s)', :c1)),
    format('OR001: insufficient stock for dish %1$s / Not enough portions left: dish %1$s has 3 left, 4 requested.', :chicken),
    'a cart quantity above the stock: OR001');
SELECT is(pg_temp.written(), :'before', 'OR001: the cart intact, no stock, order or line written');
SELECT results_eq(
    format('SELECT dish_id, quantity FROM foodorder.cart(%s)', :c1),
    format('VALUES (%s::bigint, 4), (%s, 1)', :chicken, :tofu),
    'OR001: the cart still has both dishes');

-- A retry of the used key with a different cart: OR004, cart intact.
SELECT is(pg_temp.outcome(format($$SELECT foodorder.place_order_from_cart(%s, request_key => 'cart-1')$$, :c1)),
    format('OR004: request key "cart-1" of customer %s was used for a different order / Order %s was placed with that key, with other dishes or quantities. / hint: Use a new request key for a new order.', :c1, :o1),
    'the used key with another cart in it: OR004');
SELECT is(pg_temp.written(), :'before', 'OR004: nothing written, the cart intact');

-- OR002: a dish taken off sale after it went into the cart.
SELECT foodorder.cart_set(:c1, :chicken, 1) \gset
SELECT foodorder.set_on_sale(:tofu, false) \gset
SELECT results_eq(
    format('SELECT dish_id, on_sale FROM foodorder.cart(%s)', :c1),
    format('VALUES (%s::bigint, true), (%s, false)', :chicken, :tofu),
    'cart() shows the dish is off sale');
SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order_from_cart(%s)', :c1)),
    format('OR002: dish %1$s is not on sale / Dish %1$s (Mapo tofu) has been taken off the menu.', :tofu),
    'an off-sale dish in the cart: OR002');
SELECT is(pg_temp.written(), :'before', 'OR002: nothing written, the cart intact');
SELECT foodorder.set_on_sale(:tofu, true) \gset

-- 22023: dishes of two restaurants.
SELECT foodorder.cart_set(:c1, :noodles, 1) \gset
SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order_from_cart(%s)', :c1)),
    format('22023: an order cannot have dishes of more than one restaurant / Dish %s is from restaurant 1, dish %s from restaurant %s. / hint: Place one order per restaurant.',
           :chicken, :noodles, :r2),
    'a cart with dishes of two restaurants: 22023');
SELECT is(pg_temp.written(), :'before', 'two restaurants: nothing written, the cart intact');

-- 22023: unknown pay method, before anything is read.
SELECT is(pg_temp.outcome(format($$SELECT foodorder.place_order_from_cart(%s, pay_method => 'bitcoin')$$, :c1)),
    '22023: unknown pay method "bitcoin" / hint: Use one of wechat, alipay, cash, card, or null to decide later.',
    'an unknown pay method: 22023');
-- 23503: an address of another customer.
SELECT foodorder.add_address(:c2, 'Room 34') AS a2 \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order_from_cart(%s, %s)', :c1, :a2)),
    format('23503: address %s is not an address of customer %s / hint: Add it with foodorder.add_address() first.', :a2, :c1),
    'an address of another customer: 23503');
-- A total quantity past INT_MAX is refused (22xxx) before anything is locked.
SELECT foodorder.cart_clear(:c1) \gset
SELECT foodorder.cart_set(:c1, :chicken, 2147483647) \gset
SELECT foodorder.cart_set(:c1, :tofu, 2147483647) \gset
SELECT pg_temp.written() AS before \gset
SELECT matches(pg_temp.outcome(format('SELECT foodorder.place_order_from_cart(%s)', :c1)),
    '^22(023|003): ', 'a cart whose quantities add up past INT_MAX: a data exception');
SELECT is(pg_temp.written(), :'before', 'the refused carts wrote nothing');

-- The cart fixed: ordered, emptied.
SELECT foodorder.cart_clear(:c1) \gset
SELECT foodorder.cart_set(:c1, :tofu, 1) \gset
SELECT foodorder.cart_set(:c1, :rice, 4) \gset
SELECT foodorder.place_order_from_cart(:c1) AS o2 \gset
SELECT results_eq(
    format('SELECT dish_id, quantity FROM foodorder.order_item WHERE order_id = %s ORDER BY dish_id', :o2),
    format('VALUES (%s::bigint, 1), (%s, 4)', :tofu, :rice),
    'the corrected cart is ordered as it is');
SELECT results_eq(
    format('SELECT total_count, total_cents, delivery_fee_cents FROM foodorder.orders WHERE id = %s', :o2),
    'VALUES (5, 2700::bigint, 0)', 'its totals: 1900 + 4 * 200, no fee without an address');
SELECT is_empty(format('SELECT * FROM foodorder.cart_item WHERE customer_id = %s', :c1),
    'and the cart is empty again');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty');

SELECT * FROM finish();
ROLLBACK;
