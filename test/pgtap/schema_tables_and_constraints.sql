-- The tables foodorder creates: documented columns, integer money,
-- keys, and the CHECK constraints that keep stock and prices sane.
\ir include/fixture.psql
SELECT plan(91);

SELECT tables_are('foodorder',
    ARRAY['dish', 'customer', 'orders', 'order_item', 'restaurant', 'stock_change', 'address',
          'status_change', 'cart_item', 'app_role', 'customer_role', 'staff_role',
          'orders_1_0_values', 'dish_slot', 'payment'],
    'schema foodorder has exactly the fifteen tables of 1.3');

-- Documented columns (more may exist, these must).
SELECT ok(
    NOT EXISTS (
        SELECT FROM (VALUES
            ('dish', 'id'), ('dish', 'name'), ('dish', 'price_cents'), ('dish', 'stock'), ('dish', 'sold'),
            ('customer', 'id'), ('customer', 'name'),
            ('orders', 'id'), ('orders', 'customer_id'), ('orders', 'status'),
            ('orders', 'total_count'), ('orders', 'total_cents'), ('orders', 'created_at'),
            ('order_item', 'order_id'), ('order_item', 'dish_id'),
            ('order_item', 'quantity'), ('order_item', 'price_cents'),
            ('dish', 'restaurant_id'), ('dish', 'on_sale'), ('dish', 'daily_stock'),
            ('restaurant', 'id'), ('restaurant', 'name'), ('restaurant', 'delivery_fee_cents'),
            ('orders', 'order_no'), ('orders', 'restaurant_id'), ('orders', 'pay_status'),
            ('orders', 'delivery_fee_cents'), ('orders', 'updated_at'),
            ('orders', 'address_id'), ('orders', 'pay_method'), ('orders', 'request_key'),
            ('address', 'id'), ('address', 'customer_id'), ('address', 'label'), ('address', 'detail'),
            ('stock_change', 'dish_id'), ('stock_change', 'delta'), ('stock_change', 'stock_after'),
            ('stock_change', 'reason'), ('stock_change', 'order_id'), ('stock_change', 'changed_by'),
            ('status_change', 'order_id'), ('status_change', 'field'), ('status_change', 'from_value'),
            ('status_change', 'to_value'), ('status_change', 'changed_by'),
            ('status_change', 'changed_at'),
            ('cart_item', 'customer_id'), ('cart_item', 'dish_id'), ('cart_item', 'quantity'),
            ('app_role', 'role'), ('customer_role', 'role'), ('customer_role', 'customer_id'),
            ('staff_role', 'role'), ('staff_role', 'restaurant_id')) AS doc(tab, col)
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
SELECT col_type_is('foodorder', 'orders', 'restaurant_id', 'bigint', 'orders.restaurant_id is bigint');
SELECT col_type_is('foodorder', 'orders', 'delivery_fee_cents', 'integer',
    'orders.delivery_fee_cents is integer');
SELECT col_type_is('foodorder', 'restaurant', 'delivery_fee_cents', 'integer',
    'restaurant.delivery_fee_cents is integer');
SELECT col_type_is('foodorder', 'app_role', 'role', 'regrole', 'app_role.role is regrole');
SELECT col_type_is('foodorder', 'customer_role', 'role', 'regrole', 'customer_role.role is regrole');
SELECT col_type_is('foodorder', 'staff_role', 'role', 'regrole', 'staff_role.role is regrole');

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
SELECT col_not_null('foodorder', 'orders', 'restaurant_id', 'orders.restaurant_id is NOT NULL');
SELECT col_hasnt_default('foodorder', 'orders', 'restaurant_id',
    'orders.restaurant_id has no default (1.1 orders name their restaurant)');
SELECT col_default_is('foodorder', 'dish', 'restaurant_id', '1',
    'dish.restaurant_id defaults to 1, the default restaurant');
SELECT col_default_is('foodorder', 'dish', 'on_sale', 'true', 'dish.on_sale defaults to true');
SELECT col_default_is('foodorder', 'orders', 'pay_status', 'unpaid',
    'orders.pay_status defaults to unpaid');
SELECT col_is_pk('foodorder', 'restaurant', 'id', 'restaurant primary key is (id)');
SELECT col_is_pk('foodorder', 'address', 'id', 'address primary key is (id)');
SELECT col_is_pk('foodorder', 'cart_item', ARRAY['customer_id', 'dish_id'],
    'cart_item primary key is (customer_id, dish_id)');
SELECT col_is_pk('foodorder', 'app_role', 'role', 'app_role primary key is (role)');
SELECT col_is_pk('foodorder', 'customer_role', 'role',
    'customer_role primary key is (role): a role is at most one customer');
SELECT col_is_pk('foodorder', 'staff_role', ARRAY['role', 'restaurant_id'],
    'staff_role primary key is (role, restaurant_id)');
SELECT fk_ok('foodorder', 'orders', ARRAY['customer_id', 'address_id'],
             'foodorder', 'address', ARRAY['customer_id', 'id'],
    'orders (customer_id, address_id) references address (customer_id, id): the customer''s own address');
SELECT fk_ok('foodorder', 'orders', 'restaurant_id', 'foodorder', 'restaurant', 'id',
    'orders.restaurant_id references restaurant(id)');
SELECT fk_ok('foodorder', 'dish', 'restaurant_id', 'foodorder', 'restaurant', 'id',
    'dish.restaurant_id references restaurant(id)');
SELECT col_is_unique('foodorder', 'orders', 'order_no', 'orders.order_no is unique');
SELECT is_empty(
    $$SELECT conname FROM pg_catalog.pg_constraint
       WHERE connamespace = 'foodorder'::regnamespace AND NOT convalidated$$,
    'every constraint is validated (1.0 values 1.1 refuses were moved to orders_1_0_values)');
SELECT results_eq(
    'SELECT id, name, delivery_fee_cents FROM foodorder.restaurant',
    $$VALUES (1::bigint, 'Default restaurant'::text, 0)$$,
    'the extension creates restaurant 1, "Default restaurant", without a delivery fee');

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
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents)
      SELECT id, 1, 1, -1 FROM foodorder.customer$$,
    '23514', NULL, 'an order with negative total_cents is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents)
      SELECT id, 1, 0, 0 FROM foodorder.customer$$,
    '23514', NULL, 'an order with total_count 0 is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, status, total_count, total_cents)
      SELECT id, 1, 'bogus', 1, 0 FROM foodorder.customer$$,
    '23514', NULL, 'an order with an unknown status is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents) VALUES (-42, 1, 1, 0)$$,
    '23503', NULL, 'an order for an unknown customer is rejected');
SELECT throws_ok(
    $$WITH o AS (INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents)
                 SELECT id, 1, 1, 0 FROM foodorder.customer RETURNING id)
      INSERT INTO foodorder.order_item(order_id, dish_id, quantity, price_cents)
      SELECT o.id, d.id, 0, 0 FROM o, foodorder.dish d WHERE d.name = 'Water'$$,
    '23514', NULL, 'an order line with quantity 0 is rejected');
SELECT throws_ok(
    $$WITH o AS (INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents)
                 SELECT id, 1, 1, 0 FROM foodorder.customer RETURNING id)
      INSERT INTO foodorder.order_item(order_id, dish_id, quantity, price_cents)
      SELECT o.id, d.id, 1, -5 FROM o, foodorder.dish d WHERE d.name = 'Water'$$,
    '23514', NULL, 'an order line with a negative price is rejected');
SELECT throws_ok(
    $$WITH o AS (INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents)
                 SELECT id, 1, 2, 0 FROM foodorder.customer RETURNING id)
      INSERT INTO foodorder.order_item(order_id, dish_id, quantity, price_cents)
      SELECT o.id, d.id, 1, 0 FROM o, foodorder.dish d, generate_series(1, 2)
       WHERE d.name = 'Water'$$,
    '23505', NULL, 'the same dish cannot appear twice in one order');

-- 1.1 constraints on orders.
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, total_count, total_cents)
      SELECT id, 1, 0 FROM foodorder.customer$$,
    '23502', NULL, 'an order without restaurant_id is rejected (no default)');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents)
      SELECT id, 42, 1, 0 FROM foodorder.customer$$,
    '23503', NULL, 'an order of an unknown restaurant is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents, pay_method)
      SELECT id, 1, 1, 0, 'bitcoin' FROM foodorder.customer$$,
    '23514', NULL, 'an order with a pay_method outside wechat, alipay, cash, card is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents, pay_status)
      SELECT id, 1, 1, 0, 'maybe' FROM foodorder.customer$$,
    '23514', NULL, 'an order with an unknown pay_status is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents, delivery_fee_cents)
      SELECT id, 1, 1, 0, -1 FROM foodorder.customer$$,
    '23514', NULL, 'an order with a negative delivery fee is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents, address_id)
      SELECT id, 1, 1, 0, 424242 FROM foodorder.customer$$,
    '23503', NULL, 'an order with an unknown address is rejected');
INSERT INTO foodorder.customer (id, name) VALUES (1001, 'Han Meimei');
INSERT INTO foodorder.address (id, customer_id, detail) VALUES (5001, 1001, 'Room 5, Building 1');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(customer_id, restaurant_id, total_count, total_cents, address_id)
      SELECT id, 1, 1, 0, 5001 FROM foodorder.customer WHERE id <> 1001$$,
    '23503', NULL, 'an order with another customer''s address is rejected');
SELECT lives_ok(
    $$INSERT INTO foodorder.orders(id, customer_id, restaurant_id, total_count, total_cents,
                                   address_id, pay_method)
      VALUES (7, 1001, 1, 1, 0, 5001, 'wechat')$$,
    'an order with the customer''s own address and a known pay method is accepted');
SELECT results_eq(
    'SELECT order_no, status, pay_status, delivery_fee_cents FROM foodorder.orders WHERE id = 7',
    $$VALUES ('FO00000007'::text, 'placed'::text, 'unpaid'::text, 0)$$,
    'order_no is FO and the 8-digit id; status placed, unpaid, no fee by default');
SELECT throws_ok(
    $$INSERT INTO foodorder.orders(id, order_no, customer_id, restaurant_id, total_count, total_cents)
      VALUES (8, 'FO1', 1001, 1, 1, 0)$$,
    '428C9', NULL, 'order_no cannot be written (GENERATED ALWAYS)');
SELECT lives_ok(
    $$INSERT INTO foodorder.orders(id, customer_id, restaurant_id, total_count, total_cents)
      VALUES (123456789, 1001, 1, 1, 0)$$,
    'an order with a nine-digit id is accepted');
SELECT is((SELECT order_no FROM foodorder.orders WHERE id = 123456789), 'FO123456789',
    'an id beyond 8 digits prints in full in order_no');

-- The other 1.1 tables.
SELECT throws_ok(
    $$INSERT INTO foodorder.restaurant(name, delivery_fee_cents) VALUES ('x', -1)$$,
    '23514', NULL, 'a restaurant with a negative delivery fee is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.dish(name, price_cents, stock, daily_stock) VALUES ('x', 1, 1, -1)$$,
    '23514', NULL, 'a dish with a negative daily_stock is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.dish(name, price_cents, stock, restaurant_id) VALUES ('x', 1, 1, 42)$$,
    '23503', NULL, 'a dish of an unknown restaurant is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.stock_change(dish_id, delta, stock_after, reason, changed_by)
      SELECT id, 1, 1, 'gift', 'x' FROM foodorder.dish WHERE name = 'Water'$$,
    '23514', NULL, 'a stock_change with an unknown reason is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.status_change(order_id, field, from_value, to_value, changed_by)
      VALUES (7, 'colour', 'a', 'b', 'x')$$,
    '23514', NULL, 'a status_change of an unknown field is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.cart_item(customer_id, dish_id, quantity)
      SELECT 1001, id, 0 FROM foodorder.dish WHERE name = 'Water'$$,
    '23514', NULL, 'a cart_item with quantity 0 is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.customer_role(role, customer_id) VALUES ('foodorder_tap_no_such_role', 1001)$$,
    '42704', NULL, 'customer_role.role must name an existing role (regrole)');
SELECT throws_ok(
    $$INSERT INTO foodorder.customer_role(role, customer_id) VALUES (current_user::text::regrole, 424242)$$,
    '23503', NULL, 'customer_role of an unknown customer is rejected');
SELECT throws_ok(
    $$INSERT INTO foodorder.staff_role(role, restaurant_id) VALUES (current_user::text::regrole, 42)$$,
    '23503', NULL, 'staff_role of an unknown restaurant is rejected');

SELECT * FROM finish();
ROLLBACK;
