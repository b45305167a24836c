-- foodorder rush test: the menu, customers and bookkeeping of one rush.
-- psql variables: hot (dish 3 hot or not), hot_stock, restock (portions
-- per restock), restocks (how many), customers.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION foodorder;
CREATE SCHEMA rush;

-- Dish 3 is the hot dish every order names; dishes 1, 2, 4 and 5 are
-- normal dishes with lower and higher ids, so an order's second dish is
-- locked before the hot one or after it.  They never run out: every
-- refusal is for want of the hot dish.
INSERT INTO foodorder.dish (id, name, price_cents, stock)
SELECT g, 'dish ' || g, 100 + g, CASE g WHEN 3 THEN :hot_stock ELSE 1000000 END
  FROM generate_series(1, 5) AS g;
SELECT foodorder.set_hot(3) WHERE :'hot'::boolean;
INSERT INTO foodorder.customer (id, name)
SELECT g, 'customer ' || g FROM generate_series(1, :customers) AS g;

-- What was put on sale, to check stock + sold against afterwards.
CREATE TABLE rush.initial_stock AS SELECT id AS dish_id, stock FROM foodorder.menu;

-- The restocks' plan, for rush.restock_once().
CREATE TABLE rush.control (
    hot_stock    integer NOT NULL,
    restock      integer NOT NULL,
    max_restocks integer NOT NULL
);
INSERT INTO rush.control VALUES (:hot_stock, :restock, :restocks);

-- One row per refusal (OR001): the phase, when it was raised (after the
-- whole dish was locked and found short), and what was asked.
CREATE UNLOGGED TABLE rush.refusal (
    phase    integer NOT NULL,
    at       timestamptz NOT NULL,
    dishes   bigint[] NOT NULL,
    quantities integer[] NOT NULL,
    message  text NOT NULL,
    detail   text
);
CREATE UNLOGGED TABLE rush.cancel_log (order_id bigint, result boolean);
CREATE UNLOGGED TABLE rush.restock_log (
    at           timestamptz NOT NULL,
    stock_before integer NOT NULL,
    stock_after  integer NOT NULL
);

-- One order: the hot dish, quantity q, and, if other is not 0, one
-- portion of dish other before it (other_first) or after it in the
-- arrays.  Only a refusal (OR001) is caught; any other error reaches
-- pgbench, which aborts the client, and the run fails.
CREATE FUNCTION rush.order_once(phase integer, customer bigint, q integer,
                                other bigint, other_first boolean)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    ds bigint[] := ARRAY[3];
    qs integer[] := ARRAY[q];
    msg text;
    det text;
BEGIN
    IF other <> 0 AND other_first THEN
        ds := other || ds;  qs := 1 || qs;
    ELSIF other <> 0 THEN
        ds := ds || other;  qs := qs || 1;
    END IF;
    BEGIN
        RETURN foodorder.place_order(customer, ds, qs);
    EXCEPTION WHEN SQLSTATE 'OR001' THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
        INSERT INTO rush.refusal VALUES (phase, clock_timestamp(), ds, qs, msg, det);
        RETURN NULL;
    END;
END $$;

-- A customer changes their mind: their newest placed order is cancelled
-- and its portions go back to stock.  Two clients may pick the same
-- order: the second call waits for the first and returns false.  No
-- error is caught: only placed orders are picked, so OR003 cannot happen.
CREATE FUNCTION rush.cancel_once(customer bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    o bigint;
    result boolean;
BEGIN
    SELECT id INTO o FROM foodorder.orders
     WHERE customer_id = customer AND status = 'placed' ORDER BY id DESC LIMIT 1;
    IF o IS NULL THEN
        RETURN NULL;
    END IF;
    result := foodorder.cancel_order(o);
    INSERT INTO rush.cancel_log VALUES (o, result);
    RETURN result;
END $$;

-- The kitchen cooks more during the rush: the first restock once a
-- quarter of the first stock is sold, while orders take portions from
-- every slot; the others when the dish is nearly sold out (fewer than a
-- twentieth of its first stock left), when most slots are too small for
-- some orders, so that orders wait for their own slot, lock the whole
-- dish and are refused while the restock locks it whole too.
-- Restockers take turns on an advisory lock, so there are max_restocks.
CREATE FUNCTION rush.restock_once() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    c rush.control;
    done integer;
    after integer;
BEGIN
    SELECT * INTO c FROM rush.control;
    PERFORM pg_advisory_xact_lock(3);
    SELECT count(*) INTO done FROM rush.restock_log;
    IF done >= c.max_restocks
       OR (done = 0 AND (SELECT sold FROM foodorder.menu WHERE id = 3) < c.hot_stock / 4)
       OR (done > 0 AND (SELECT stock FROM foodorder.menu WHERE id = 3) >= c.hot_stock / 20) THEN
        RETURN NULL;
    END IF;
    after := foodorder.restock(3, c.restock);
    INSERT INTO rush.restock_log VALUES (clock_timestamp(), after - c.restock, after);
    RETURN after;
END $$;

ANALYZE;
