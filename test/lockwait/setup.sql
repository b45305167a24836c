-- foodorder lock-wait test: dishes of restaurant 1 (1 soup, 3 bread and
-- 7 tea plain; 2 dumplings hot with 2 portions in each of its 64 slots;
-- 4 noodles hot with 65 portions: slot 0 alone has 2; no dish 6), dish 8
-- of restaurant 2; customers 1 (a customer role's), 2 and 3 (whose cart
-- holds soup and bread); a placed order of soup (cancelled by a check)
-- and one of bread (its row held by a check); the roles the checks call as.
-- psql variables: app_role, customer_role, staff_role, off_role.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION foodorder;
SELECT foodorder.add_restaurant('noodle bar');
INSERT INTO foodorder.dish (id, restaurant_id, name, price_cents, stock, daily_stock) VALUES
    (1, 1, 'soup', 450, 1000, 500), (2, 1, 'dumplings', 300, 128, NULL),
    (3, 1, 'bread', 120, 1000, NULL), (4, 1, 'noodles', 800, 65, NULL),
    (7, 1, 'tea', 100, 1000, NULL), (8, 2, 'rice', 200, 10, 50);
SELECT foodorder.set_hot(2), foodorder.set_hot(4);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
SELECT foodorder.cart_set(3, 1, 1), foodorder.cart_set(3, 3, 1);
SELECT foodorder.place_order(2, ARRAY[1], ARRAY[2], request_key => 'soup'),
       foodorder.place_order(2, ARRAY[3], ARRAY[1], request_key => 'bread');

SELECT format('CREATE ROLE %I LOGIN', r)
  FROM unnest(ARRAY[:'app_role', :'customer_role', :'staff_role', :'off_role']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
SELECT foodorder.grant_app(:'app_role');
SELECT foodorder.grant_app(:'off_role');
SELECT foodorder.grant_customer(:'customer_role', 1);
SELECT foodorder.grant_staff(:'staff_role', 1);
SELECT foodorder.grant_staff(:'staff_role', 2);

-- The DBA's bound for this database, short so that the test is quick; one
-- role turns it off.  Set before the library is loaded in a session, so
-- the library applies them when it defines the setting.
SELECT format('ALTER DATABASE %I SET foodorder.lock_wait_timeout = %L', current_database(), '1s') \gexec
SELECT format('ALTER ROLE %I IN DATABASE %I SET foodorder.lock_wait_timeout = 0',
              :'off_role', current_database()) \gexec
