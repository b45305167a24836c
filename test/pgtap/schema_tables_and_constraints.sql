-- The tables foodorder creates: documented columns, integer money,
-- keys, and the CHECK constraints that keep stock and prices sane.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION foodorder;
SELECT plan(47);

SELECT tables_are('foodorder', ARRAY['dish', 'customer', 'orders', 'order_item'],
    'schema foodorder has exactly the tables dish, customer, orders, order_item');

-- Documented columns (more may exist, these must).
SELECT ok(
    NOT EXISTS (
        SELECT FROM (VALUES
            ('dish', 'id'), ('dish', 'name'), ('dish', 'price_cents'), ('dish', 'stock'), ('dish', 'sold'),
            ('customer', 'id'), ('customer', 'name'),
            ('orders', 'id'), ('orders', 'customer_id'), ('orders', 'status'),
            ('orders', 'total_count'), ('orders', 'total_cents'), ('orders', 'created_at'),
            ('order_item', 'order_id'), ('order_item', 'dish_id'),
            ('order_item', 'quantity'), ('order_item', 'price_cents')) AS doc(tab, col)
        WHERE NOT EXISTS (
            SELECT FROM information_schema.columns c
             WHERE c.table_schema = 'foodorder' AND c.table_name = doc.tab
               AND c.column_name = doc.col)),
    'every documented column exists');

SELECT col_type_is('foodorder', 'dish', 'id', 'bigint', 'dish.id is bigint');
SELECT col_type_is('foodorder', 'dish', 'name', 'text', 'dish.name is text');
SELECT col_type_is('foodorder', 'dish', 'price_cents', 'integer', 'dish.price_cents is integer');
SELECT col_type_is('foodorder', 'dish', 'stock', 'integer', 'dish.stock is integer');
SELECT col_type_is('foodorder', 'dish', 'sold', 'integer', 'dish.sold is integer');
SELECT col_type_is('foodorder', 'customer', 'id', 'bigint', 'customer.id is bigint');
SELECT col_type_is('foodorder', 'customer', 'name', 'text', 'customer.name is text');
SELECT col_type_is('foodorder', 'orders', 'id', 'bigint', 'orders.id is bigint');
SELECT col_type_is('foodorder', 'orders', 'customer_id', 'bigint', 'orders.customer_id is bigint');
SELECT col_type_is('foodorder', 'orders', 'status', 'text', 'orders.status is text');
SELECT col_type_is('foodorder', 'orders', 'total_count', 'integer', 'orders.total_count is integer');
SELECT col_type_is('foodorder', 'orders', 'total_cents', 'bigint', 'orders.total_cents is bigint');
SELECT col_type_is('foodorder', 'orders', 'created_at', 'timestamp with time zone',
    'orders.created_at is timestamptz');
SELECT col_type_is('foodorder', 'order_item', 'order_id', 'bigint', 'order_item.order_id is bigint');
SELECT col_type_is('foodorder', 'order_item', 'dish_id', 'bigint', 'order_item.dish_id is bigint');
SELECT col_type_is('foodorder', 'order_item', 'quantity', 'integer', 'order_item.quantity is integer');
SELECT col_type_is('foodorder', 'order_item', 'price_cents', 'integer',
    'order_item.price_cents is integer');

SELECT is_empty($$
    SELECT table_name || '.' || column_name || ' ' || data_type
      FROM information_schema.columns
     WHERE table_schema = 'foodorder'
       AND (column_name LIKE '%cents%' OR column_name LIKE '%price%' OR column_name LIKE '%total%'
            OR data_type IN ('numeric', 'real', 'double precision', 'money'))
       AND data_type NOT IN ('integer', 'bigint')
     ORDER BY 1 $$,
    'money and count columns are integer/bigint, no numeric/float/money anywhere');

SELECT col_not_null('foodorder', 'dish', 'price_cents', 'dish.price_cents is NOT NULL');
SELECT col_not_null('foodorder', 'dish', 'stock', 'dish.stock is NOT NULL');
SELECT col_not_null('foodorder', 'orders', 'customer_id', 'orders.customer_id is NOT NULL');

SELECT col_is_pk('foodorder', 'dish', 'id', 'dish primary key is (id)');
SELECT col_is_pk('foodorder', 'customer', 'id', 'customer primary key is (id)');
SELECT col_is_pk('foodorder', 'orders', 'id', 'orders primary key is (id)');
SELECT col_is_pk('foodorder', 'order_item', ARRAY['order_id', 'dish_id'],
    'order_item primary key is (order_id, dish_id)');

SELECT fk_ok('foodorder', 'orders', 'customer_id', 'foodorder', 'customer', 'id',
    'orders.customer_id references customer(id)');
SELECT fk_ok('foodorder', 'order_item', 'order_id', 'foodorder', 'orders', 'id',
    'order_item.order_id references orders(id)');
SELECT fk_ok('foodorder', 'order_item', 'dish_id', 'foodorder', 'dish', 'id',
    'order_item.dish_id references dish(id)');

-- The documented INSERTs work as written, with sold defaulting to 0.
SELECT lives_ok(
    $$INSERT INTO foodorder.dish(name, price_cents, stock) VALUES ('Mapo tofu', 1800, 10)$$,
    'INSERT INTO foodorder.dish(name, price_cents, stock) works');
SELECT lives_ok(
    $$INSERT INTO foodorder.customer(name) VALUES ('Li Lei')$$,
    'INSERT INTO foodorder.customer(name) works');
SELECT results_eq(
    'SELECT name, price_cents, stock, sold FROM foodorder.dish ORDER BY id',
    $$VALUES ('Mapo tofu'::text, 1800, 10, 0)$$,
    'the new dish has sold = 0');
SELECT isnt((SELECT id FROM foodorder.dish), NULL, 'dish.id is generated');
SELECT isnt((SELECT id FROM foodorder.customer), NULL, 'customer.id is generated');

-- CHECK constraints (23514): negative stock, price, sold; zero is fine.
SELECT throws_ok(
    $$INSERT INTO foodorder.dish(name, price_cents, stock) VALUES ('x', 100, -1)$$,
    '23514', NULL, 'a dish with negative stock is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.dish(name, price_cents, stock) VALUES ('x', -1, 1)$$,
    '23514', NULL, 'a dish with a negative price is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.dish(name, price_cents, stock, sold) VALUES ('x', 1, 1, -1)$$,
    '23514', NULL, 'a dish with negative sold is rejected');
SELECT throws_ok(
    $$UPDATE foodorder.dish SET stock = stock - 11$$,
    '23514', NULL, 'stock cannot be updated below zero');
SELECT lives_ok(
    $$INSERT INTO foodorder.dish(name, price_cents, stock) VALUES ('Water', 0, 0)$$,
    'a free dish with no stock is allowed');

-- orders / order_item constraints.
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, total_count, total_cents)
      SELECT id, 1, -1 FROM foodorder.customer$$,
    '23514', NULL, 'an order with negative total_cents is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, total_count, total_cents)
      SELECT id, 0, 0 FROM foodorder.customer$$,
    '23514', NULL, 'an order with total_count 0 is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, status, total_count, total_cents)
      SELECT id, 'bogus', 1, 0 FROM foodorder.customer$$,
    '23514', NULL, 'an order with an unknown status is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, total_count, total_cents) VALUES (-42, 1, 0)$$,
    '23503', NULL, 'an order for an unknown customer is rejected');
SELECT throws_ok(
    $$WITH o AS (INSERT INTO foodorder.orders(customer_id, total_count, total_cents)
                 SELECT id, 1, 0 FROM foodorder.customer RETURNING id)
      INSERT INTO foodorder.order_item(order_id, dish_id, quantity, price_cents)
      SELECT o.id, d.id, 0, 0 FROM o, foodorder.dish d WHERE d.name = 'Water'$$,
    '23514', NULL, 'an order line with quantity 0 is rejected');
SELECT throws_ok(
    $$WITH o AS (INSERT INTO foodorder.orders(customer_id, total_count, total_cents)
                 SELECT id, 1, 0 FROM foodorder.customer RETURNING id)
      INSERT INTO foodorder.order_item(order_id, dish_id, quantity, price_cents)
      SELECT o.id, d.id, 1, -5 FROM o, foodorder.dish d WHERE d.name = 'Water'$$,
    '23514', NULL, 'an order line with a negative price is rejected');
SELECT throws_ok(
    $$WITH o AS (INSERT INTO foodorder.orders(customer_id, total_count, total_cents)
                 SELECT id, 2, 0 FROM foodorder.customer RETURNING id)
      INSERT INTO foodorder.order_item(order_id, dish_id, quantity, price_cents)
      SELECT o.id, d.id, 1, 0 FROM o, foodorder.dish d, generate_series(1, 2)
       WHERE d.name = 'Water'$$,
    '23505', NULL, 'the same dish cannot appear twice in one order');

SELECT * FROM finish();
ROLLBACK;
