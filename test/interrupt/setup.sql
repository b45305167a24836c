-- foodorder interrupted-call test: two dishes of restaurant 1 (both with a
-- daily_stock, so open_day() changes them), an ordering customer (2) and
-- a customer whose cart holds both dishes (1), an app and a staff role.
-- psql variables: app_role, staff_role.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION foodorder;
CREATE EXTENSION pgrowlocks;
INSERT INTO foodorder.dish (id, name, price_cents, stock, daily_stock)
     VALUES (1, 'soup', 450, 1000, 5000), (2, 'bread', 120, 1000, 4000);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'ann'), (2, 'bob');
SELECT foodorder.cart_set(1, 1, 1), foodorder.cart_set(1, 2, 2);

SELECT format('CREATE ROLE %I LOGIN', r)
  FROM unnest(ARRAY[:'app_role', :'staff_role']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
SELECT foodorder.grant_app(:'app_role');
SELECT foodorder.grant_staff(:'staff_role', 1);
