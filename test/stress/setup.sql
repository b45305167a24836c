-- foodorder stress test: menu, customers and bookkeeping.
-- psql variables: dishes, customers, hot_stock, hot_mode (true: dish 1 is
-- made hot, foodorder.set_hot, so its orders take slots).
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

SELECT foodorder.set_hot(1) WHERE :hot_mode;

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

-- One row per call of stress.change_once(): the order it picked (null if
-- the customer had no open order), the call and what it returned: true,
-- false (already in that state), or OR003 (no longer allowed: a
-- concurrent call, or the expiry, got there first).
CREATE UNLOGGED TABLE stress.lifecycle (
    order_id bigint,
    action   text NOT NULL,
    outcome  text NOT NULL
);

-- One row per call of stress.expire_once(): how many orders it expired.
CREATE UNLOGGED TABLE stress.expiry (
    expired integer NOT NULL
);

-- One pgbench transaction of cancel.pgbench: pick one of the customer's
-- open orders, the pick-th newest, and, by action (1-10), reject it (2 in
-- 10: the restaurant; the stress test runs as superuser, trusted as staff),
-- accept it (2 in 10) or cancel it (6 in 10: the customer, or the staff
-- once it is accepted).  Another client may be ending the same order
-- meanwhile: the call waits for it and returns false, or OR003, which is
-- recorded and swallowed like OR001 above; every other error reaches
-- pgbench.
CREATE FUNCTION stress.change_once(customer bigint, action integer, pick integer)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    verb text := CASE WHEN action <= 2 THEN 'reject'
                      WHEN action <= 4 THEN 'accept'
                      ELSE 'cancel' END;
    o bigint;
    result text;
BEGIN
    SELECT id INTO o FROM foodorder.orders
     WHERE customer_id = customer AND status IN ('placed', 'accepted')
     ORDER BY id DESC OFFSET pick LIMIT 1;
    IF o IS NULL THEN
        result := 'none';
    ELSE
        BEGIN
            IF verb = 'reject' THEN
                result := foodorder.reject_order(o)::text;
            ELSIF verb = 'accept' THEN
                result := foodorder.accept_order(o)::text;
            ELSE
                result := foodorder.cancel_order(o)::text;
            END IF;
        EXCEPTION WHEN SQLSTATE 'OR003' THEN
            result := 'OR003';
        END;
    END IF;
    INSERT INTO stress.lifecycle VALUES (o, verb, result);
    RETURN result;
END $$;

-- One pgbench transaction of expire.pgbench: the owner's periodic job,
-- with the age chosen so that only the newest `keep` placed orders stay:
-- a fixed interval would expire many or none depending on how fast this
-- machine orders, and the run's checks must not depend on its speed.
CREATE FUNCTION stress.expire_once(keep integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    newest_kept timestamptz;
    n integer := 0;
BEGIN
    SELECT created_at INTO newest_kept FROM foodorder.orders
     WHERE status = 'placed' ORDER BY created_at DESC OFFSET keep - 1 LIMIT 1;
    IF newest_kept IS NOT NULL AND newest_kept <= now() THEN
        n := foodorder.expire_orders(now() - newest_kept);
    END IF;
    INSERT INTO stress.expiry VALUES (n);
    RETURN n;
END $$;

ANALYZE;
