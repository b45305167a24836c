-- foodorder crash test: the menu, customers and app role of the rush.
-- psql variables: customers (how many), app_role (login role to grant).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION foodorder;

-- Dish 1 is the hot dish every order names, made hot (foodorder.set_hot),
-- so the kill comes while orders take portions from its slots; dish 20 is
-- scarce, so some orders are refused with OR001 during the rush.
INSERT INTO foodorder.dish (id, name, price_cents, stock)
SELECT g, 'dish ' || g, 100 + g,
       CASE g WHEN 1 THEN 1000000 WHEN 20 THEN 40 ELSE 100000 END
  FROM generate_series(1, 20) AS g;
SELECT foodorder.set_hot(1);
INSERT INTO foodorder.customer (id, name)
SELECT g, 'customer ' || g FROM generate_series(1, :customers) AS g;

-- What stock + sold must stay equal to, whatever the crashes do (the
-- menu view adds up a hot dish's slots; its row's stock is 0).
CREATE SCHEMA crash;
CREATE TABLE crash.initial_stock AS SELECT id AS dish_id, stock FROM foodorder.menu;

SELECT format('CREATE ROLE %I LOGIN', :'app_role') \gexec
SELECT foodorder.grant_app(:'app_role');
