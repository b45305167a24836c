-- Orders place_order() accepts: what it writes to dish, orders and order_item,
-- with the 1.1 additions: restaurant, order number, payment status and the
-- restaurant's delivery fee when delivered to an address of the customer.
\ir include/fixture.psql
SELECT plan(29);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES
    (1, 'Kung Pao chicken', 2800, 2),
    (2, 'Mapo tofu', 1800, 10),
    (3, 'Steamed rice', 200, 100),
    (4, 'Banquet', 2000000000, 5);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
INSERT INTO foodorder.address (id, customer_id, label, detail) VALUES (77, 2, 'home', 'Room 7, Building 7');
UPDATE foodorder.restaurant SET delivery_fee_cents = 500 WHERE id = 1;
INSERT INTO foodorder.restaurant (id, name, delivery_fee_cents) VALUES (2, 'Noodle bar', 300);
INSERT INTO foodorder.dish (id, restaurant_id, name, price_cents, stock) VALUES
    (5, 2, 'Beef noodles', 1500, 10);

CREATE TEMP TABLE placed (n int PRIMARY KEY, order_id bigint);

-- One line.
INSERT INTO placed SELECT 1, foodorder.place_order(1, ARRAY[2], ARRAY[3]);
SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 2, 0), (2::bigint, 7, 3), (3::bigint, 100, 0), (4::bigint, 5, 0), (5::bigint, 10, 0)',
    'one line: stock of dish 2 down by 3, sold up by 3, other dishes untouched');
SELECT results_eq(
    $$SELECT o.id, o.customer_id, o.status, o.total_count, o.total_cents,
             o.address_id, o.pay_method, o.request_key
        FROM foodorder.orders o ORDER BY o.id$$,
    $$SELECT order_id, 1::bigint, 'placed'::text, 3, 5400::bigint, NULL::bigint, NULL::text, NULL::text
        FROM placed WHERE n = 1$$,
    'one line: the order has the returned id, status placed, totals, NULL defaults');
SELECT results_eq(
    $$SELECT o.order_no, o.restaurant_id, o.pay_status, o.delivery_fee_cents FROM foodorder.orders o$$,
    $$SELECT 'FO' || lpad(order_id::text, 8, '0'), 1::bigint, 'unpaid'::text, 0 FROM placed WHERE n = 1$$,
    'one line: order_no FO + 8-digit id, restaurant 1, unpaid, no delivery fee without an address');
SELECT results_eq(
    'SELECT order_id, dish_id, quantity, price_cents FROM foodorder.order_item ORDER BY order_id, dish_id',
    'SELECT order_id, 2::bigint, 3, 1800 FROM placed WHERE n = 1',
    'one line: one order_item at the dish price');
SELECT ok(
    (SELECT created_at = now() FROM foodorder.orders),
    'created_at is the transaction time');

-- Several lines, given out of id order, with all optional arguments.
INSERT INTO placed SELECT 2, foodorder.place_order(2, ARRAY[3, 1], ARRAY[4, 1], 77, 'cash', 'req-2');
SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 1, 1), (2::bigint, 7, 3), (3::bigint, 96, 4), (4::bigint, 5, 0), (5::bigint, 10, 0)',
    'two lines: both dishes changed by their own quantity');
SELECT results_eq(
    $$SELECT customer_id, total_count, total_cents, delivery_fee_cents, address_id, pay_method, request_key
        FROM foodorder.orders WHERE id = (SELECT order_id FROM placed WHERE n = 2)$$,
    $$VALUES (2::bigint, 5, 4100::bigint, 500, 77::bigint, 'cash'::text, 'req-2'::text)$$,
    'two lines to an address: 4 + 1 portions, 4 * 200 + 2800 cents + the 500 fee; address, pay method, key stored');
SELECT is(
    foodorder.place_order(2, ARRAY[1, 3], ARRAY[1, 4], 77, 'cash', 'req-2'),
    (SELECT order_id FROM placed WHERE n = 2),
    'the same call again (same request key, same lines) returns the first order''s id');
SELECT results_eq(
    'SELECT (SELECT count(*) FROM foodorder.orders), (SELECT sum(stock) FROM foodorder.dish)',
    'VALUES (2::bigint, 119::bigint)',
    'and writes no second order and takes no stock');
SELECT results_eq(
    'SELECT dish_id, quantity, price_cents FROM foodorder.order_item
      WHERE order_id = (SELECT order_id FROM placed WHERE n = 2) ORDER BY dish_id',
    'VALUES (1::bigint, 1, 2800), (3::bigint, 4, 200)',
    'two lines: one order_item per dish');

-- The same dish named twice is merged into one line.
INSERT INTO placed SELECT 3, foodorder.place_order(1, ARRAY[3, 2, 3], ARRAY[1, 1, 2]);
SELECT results_eq(
    'SELECT dish_id, quantity, price_cents FROM foodorder.order_item
      WHERE order_id = (SELECT order_id FROM placed WHERE n = 3) ORDER BY dish_id',
    'VALUES (2::bigint, 1, 1800), (3::bigint, 3, 200)',
    'a dish named twice becomes one line with the summed quantity');
SELECT results_eq(
    $$SELECT total_count, total_cents FROM foodorder.orders
       WHERE id = (SELECT order_id FROM placed WHERE n = 3)$$,
    'VALUES (4, 2400::bigint)',
    'and the order totals count it once per portion');
SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish WHERE id IN (2, 3) ORDER BY id',
    'VALUES (2::bigint, 6, 4), (3::bigint, 93, 7)',
    'and its stock went down by the summed quantity');

-- Stock exactly equal to the request is enough, and leaves 0.
INSERT INTO placed SELECT 4, foodorder.place_order(1, ARRAY[1], ARRAY[1]);
SELECT results_eq(
    'SELECT stock, sold FROM foodorder.dish WHERE id = 1',
    'VALUES (0, 2)',
    'ordering exactly the stock left is accepted and leaves stock 0');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])',
    'OR001', NULL, 'after which the dish is sold out');

-- Totals beyond integer: total_cents is bigint.
INSERT INTO placed SELECT 5, foodorder.place_order(2, ARRAY[4], ARRAY[5]);
SELECT results_eq(
    $$SELECT total_count, total_cents FROM foodorder.orders
       WHERE id = (SELECT order_id FROM placed WHERE n = 5)$$,
    'VALUES (5, 10000000000::bigint)',
    'five portions at 2,000,000,000 cents make a total_cents of 10,000,000,000');

-- Lines keep the price paid when the menu price changes later.
UPDATE foodorder.dish SET price_cents = 9999 WHERE id = 2;
SELECT results_eq(
    'SELECT price_cents FROM foodorder.order_item
      WHERE order_id = (SELECT order_id FROM placed WHERE n = 1)',
    'VALUES (1800)',
    'an order line keeps the price it was placed at');
INSERT INTO placed SELECT 6, foodorder.place_order(2, ARRAY[2], ARRAY[1]);
SELECT results_eq(
    'SELECT price_cents FROM foodorder.order_item
      WHERE order_id = (SELECT order_id FROM placed WHERE n = 6)',
    'VALUES (9999)',
    'a new order uses the new price');

-- NULL request keys never collide; ids are distinct and increasing.
SELECT lives_ok('SELECT foodorder.place_order(2, ARRAY[3], ARRAY[1], request_key => NULL)',
    'a NULL request key may be used');
SELECT lives_ok('SELECT foodorder.place_order(2, ARRAY[3], ARRAY[1], request_key => NULL)',
    'and again');
SELECT ok(
    (SELECT bool_and(order_id > prev) FROM (
        SELECT order_id, lag(order_id, 1, 0::bigint) OVER (ORDER BY n) AS prev FROM placed) s),
    'returned order ids are increasing');

-- Overall bookkeeping: sold = what order_item says, stock + sold unchanged.
SELECT results_eq(
    'SELECT d.id, d.sold::bigint FROM foodorder.dish d ORDER BY d.id',
    'SELECT d.id, coalesce(sum(i.quantity), 0)::bigint FROM foodorder.dish d
       LEFT JOIN foodorder.order_item i ON i.dish_id = d.id GROUP BY d.id ORDER BY d.id',
    'sold of every dish equals the portions in its order lines');
SELECT results_eq(
    'SELECT id, stock + sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 2), (2::bigint, 10), (3::bigint, 100), (4::bigint, 5), (5::bigint, 10)',
    'stock + sold of every dish is what was put on sale');
SELECT results_eq(
    'SELECT o.id, o.total_count::bigint, o.total_cents - o.delivery_fee_cents FROM foodorder.orders o ORDER BY o.id',
    'SELECT order_id, sum(quantity)::bigint, sum(quantity::bigint * price_cents)::bigint
       FROM foodorder.order_item GROUP BY order_id ORDER BY order_id',
    'every order''s totals equal the sums of its lines (plus its delivery fee)');
SELECT is((SELECT count(*)::int FROM foodorder.orders), 8, 'eight orders were placed');

-- A dish of another restaurant: the order is that restaurant's, with its fee.
INSERT INTO foodorder.address (id, customer_id, detail) VALUES (78, 1, 'Desk 3, Floor 2');
INSERT INTO placed SELECT 7, foodorder.place_order(1, ARRAY[5], ARRAY[2], 78, 'wechat');
SELECT results_eq(
    $$SELECT restaurant_id, total_count, total_cents, delivery_fee_cents, address_id, pay_method
        FROM foodorder.orders WHERE id = (SELECT order_id FROM placed WHERE n = 7)$$,
    $$VALUES (2::bigint, 2, 3300::bigint, 300, 78::bigint, 'wechat'::text)$$,
    'an order of restaurant 2''s dish belongs to restaurant 2 and pays its 300 fee');
SELECT results_eq(
    'SELECT stock, sold FROM foodorder.dish WHERE id = 5', 'VALUES (8, 2)',
    'and took its stock');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() finds every invariant holding');
SELECT is_empty('SELECT * FROM foodorder.status_change',
    'placing orders writes no status_change (placement is not a change)');

SELECT * FROM finish();
ROLLBACK;
