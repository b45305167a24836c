-- Orders place_order() accepts: what it writes to dish, orders and order_item.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION foodorder;
SELECT plan(22);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES
    (1, 'Kung Pao chicken', 2800, 2),
    (2, 'Mapo tofu', 1800, 10),
    (3, 'Steamed rice', 200, 100),
    (4, 'Banquet', 2000000000, 5);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');

CREATE TEMP TABLE placed (n int PRIMARY KEY, order_id bigint);

-- One line.
INSERT INTO placed SELECT 1, foodorder.place_order(1, ARRAY[2], ARRAY[3]);
SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 2, 0), (2::bigint, 7, 3), (3::bigint, 100, 0), (4::bigint, 5, 0)',
    'one line: stock of dish 2 down by 3, sold up by 3, other dishes untouched');
SELECT results_eq(
    $$SELECT o.id, o.customer_id, o.status, o.total_count, o.total_cents,
             o.address_id, o.pay_method, o.request_key
        FROM foodorder.orders o ORDER BY o.id$$,
    $$SELECT order_id, 1::bigint, 'placed'::text, 3, 5400::bigint, NULL::bigint, NULL::text, NULL::text
        FROM placed WHERE n = 1$$,
    'one line: the order has the returned id, status placed, totals, NULL defaults');
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
    'VALUES (1::bigint, 1, 1), (2::bigint, 7, 3), (3::bigint, 96, 4), (4::bigint, 5, 0)',
    'two lines: both dishes changed by their own quantity');
SELECT results_eq(
    $$SELECT customer_id, total_count, total_cents, address_id, pay_method, request_key
        FROM foodorder.orders WHERE id = (SELECT order_id FROM placed WHERE n = 2)$$,
    $$VALUES (2::bigint, 5, 3600::bigint, 77::bigint, 'cash'::text, 'req-2'::text)$$,
    'two lines: totals 4 + 1 portions, 4 * 200 + 2800 cents; address, pay method, key stored');
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
    'VALUES (1::bigint, 2), (2::bigint, 10), (3::bigint, 100), (4::bigint, 5)',
    'stock + sold of every dish is what was put on sale');
SELECT results_eq(
    'SELECT o.id, o.total_count::bigint, o.total_cents FROM foodorder.orders o ORDER BY o.id',
    'SELECT order_id, sum(quantity)::bigint, sum(quantity::bigint * price_cents)::bigint
       FROM foodorder.order_item GROUP BY order_id ORDER BY order_id',
    'every order''s totals equal the sums of its lines');
SELECT is((SELECT count(*)::int FROM foodorder.orders), 8, 'eight orders were placed');

SELECT * FROM finish();
ROLLBACK;
