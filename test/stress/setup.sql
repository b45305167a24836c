-- foodorder stress test: menu, customers and bookkeeping.
-- psql variables: dishes, customers, hot_stock.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE EXTENSION foodorder;
CREATE SCHEMA stress;

-- Dish 1 is the hot dish: every order has it.  The others have 10-199
-- portions, so the first of them sell out after a few hundred orders.
INSERT INTO foodorder.dish (id, name, price_cents, stock)
SELECT g, 'dish ' || g, 100 + (g * 37) % 1900,
       CASE WHEN g = 1 THEN :hot_stock ELSE 10 + (g * 7919) % 190 END
  FROM generate_series(1, :dishes) AS g;

INSERT INTO foodorder.customer (id, name)
SELECT g, 'customer ' || g FROM generate_series(1, :customers) AS g;

-- What was put on sale, to check stock + sold against afterwards.
CREATE TABLE stress.initial_stock AS SELECT id AS dish_id, stock FROM foodorder.dish;

-- One row per order refused for want of stock (OR001).
CREATE UNLOGGED TABLE stress.refusal (
    customer_id bigint NOT NULL,
    dishes      bigint[] NOT NULL,
    quantities  integer[] NOT NULL,
    message     text NOT NULL,
    detail      text
);

-- One pgbench transaction: the hot dish at position hot_pos among the
-- first n of others (random dishes, maybe repeated), quantities from qty
-- (qty[1] for the hot dish).  A refusal (OR001) is recorded and swallowed,
-- since pgbench would abort the client on it; every other error, deadlocks
-- (40P01) and serialization failures (40001) included, reaches pgbench.
CREATE FUNCTION stress.order_once(customer bigint, n integer, hot_pos integer,
                                  others bigint[], qty integer[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    ds bigint[] := others[1:n];
    qs integer[] := qty[2:n + 1];
    st text;
    msg text;
    det text;
BEGIN
    ds := ds[1:hot_pos - 1] || 1::bigint || ds[hot_pos:n];
    qs := qs[1:hot_pos - 1] || qty[1] || qs[hot_pos:n];
    BEGIN
        RETURN foodorder.place_order(customer, ds, qs);
    EXCEPTION WHEN SQLSTATE 'OR001' THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
        INSERT INTO stress.refusal VALUES (customer, ds, qs, msg, det);
        RETURN NULL;
    END;
END $$;

ANALYZE;
