-- place_order(): orders that succeed, and what they write.
CREATE EXTENSION foodorder;
\set VERBOSITY terse

INSERT INTO foodorder.dish (name, price_cents, stock) VALUES
    ('Kung Pao chicken', 2800, 5),
    ('Mapo tofu', 1800, 10),
    ('Steamed rice', 200, 100),
    ('Sour plum drink', 600, 1);
INSERT INTO foodorder.customer (name) VALUES ('Li Lei'), ('Han Meimei');

-- The call from the README, with named arguments.
SELECT foodorder.place_order(customer => 1, dishes => ARRAY[3, 1], quantities => ARRAY[1, 2]);

SELECT id, stock, sold FROM foodorder.dish ORDER BY id;
SELECT id, customer_id, status, total_count, total_cents, address_id, pay_method, request_key
  FROM foodorder.orders ORDER BY id;
SELECT * FROM foodorder.order_item ORDER BY order_id, dish_id;

-- A dish named twice is one line with the quantities summed.
SELECT foodorder.place_order(2, ARRAY[2, 3, 2], ARRAY[1, 1, 3]);
SELECT * FROM foodorder.order_item WHERE order_id = 2 ORDER BY dish_id;
SELECT total_count, total_cents FROM foodorder.orders WHERE id = 2;

-- Ordering exactly the stock left sells the dish out.
SELECT foodorder.place_order(1, ARRAY[4], ARRAY[1]);
SELECT stock, sold FROM foodorder.dish WHERE id = 4;

-- The optional arguments are stored with the order.
SELECT foodorder.add_address(2, 'Room 7, Building 3') AS address \gset
SELECT foodorder.place_order(2, ARRAY[3], ARRAY[2], address => :address,
                             pay_method => 'wechat', request_key => 'tap-1');
SELECT address_id, pay_method, request_key FROM foodorder.orders WHERE id = 4;

-- A line keeps the price it was ordered at.
UPDATE foodorder.dish SET price_cents = 3000 WHERE id = 1;
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1]);
SELECT order_id, price_cents FROM foodorder.order_item WHERE dish_id = 1 ORDER BY order_id;

-- Array bounds other than 1 and a non-default lower bound are accepted.
SELECT foodorder.place_order(1, '[0:1]={2,3}'::bigint[], '[5:6]={1,1}'::integer[]);
SELECT dish_id, quantity FROM foodorder.order_item WHERE order_id = 6 ORDER BY dish_id;

-- Works inside a larger transaction, and rolls back with it.
BEGIN;
SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1]);
SELECT stock, sold FROM foodorder.dish WHERE id = 2;
ROLLBACK;
SELECT stock, sold FROM foodorder.dish WHERE id = 2;

-- The invariants every order keeps.
SELECT d.id, d.stock + d.sold AS put_on_sale,
       d.sold = coalesce(sum(i.quantity), 0) AS sold_matches_lines
  FROM foodorder.dish d LEFT JOIN foodorder.order_item i ON i.dish_id = d.id
 GROUP BY d.id ORDER BY d.id;
SELECT o.id, o.total_count = sum(i.quantity) AS count_ok,
       o.total_cents = sum(i.quantity::bigint * i.price_cents) AS cents_ok
  FROM foodorder.orders o JOIN foodorder.order_item i ON i.order_id = o.id
 GROUP BY o.id ORDER BY o.id;

-- The kept plans survive DDL on the tables and a re-created extension.
ALTER TABLE foodorder.dish ADD COLUMN spicy boolean NOT NULL DEFAULT false;
SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1]) > 0 AS placed;
DROP EXTENSION foodorder;
CREATE EXTENSION foodorder;
INSERT INTO foodorder.dish (name, price_cents, stock) VALUES ('Dumplings', 1200, 3);
INSERT INTO foodorder.customer (name) VALUES ('Wei');
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[3]);
SELECT stock, sold FROM foodorder.dish;

DROP EXTENSION foodorder;
