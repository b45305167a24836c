-- The 1.0 columns of every row that 1.0 had, in a fixed order: what each
-- ALTER EXTENSION foodorder UPDATE in test/upgrade/run must keep.  From
-- 1.1 on, values 1.0 stored that 1.1 refuses live in orders_1_0_values:
-- folded back to compare.
SET TimeZone = 'UTC';
SELECT to_regclass('foodorder.orders_1_0_values') IS NOT NULL AS moved \gset
\if :moved
\set orders '(SELECT o.id, o.customer_id, o.status, o.total_count, o.total_cents, coalesce(m.address_id, o.address_id) AS address_id, coalesce(m.pay_method, o.pay_method) AS pay_method, o.request_key, o.created_at FROM foodorder.orders o LEFT JOIN foodorder.orders_1_0_values m ON m.order_id = o.id) AS o'
\else
\set orders foodorder.orders
\endif
\echo dish
COPY (SELECT id, name, price_cents, stock, sold, created_at
        FROM foodorder.dish ORDER BY id) TO STDOUT;
\echo customer
COPY (SELECT id, name, created_at FROM foodorder.customer ORDER BY id) TO STDOUT;
\echo orders
COPY (SELECT id, customer_id, status, total_count, total_cents, address_id,
             pay_method, request_key, created_at
        FROM :orders ORDER BY id) TO STDOUT;
\echo order_item
COPY (SELECT order_id, dish_id, quantity, price_cents
        FROM foodorder.order_item ORDER BY order_id, dish_id) TO STDOUT;
