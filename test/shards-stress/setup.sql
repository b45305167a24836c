-- foodorder stress test over shards: the menu, customers, the app role and
-- the pgbench wrappers, in the router database (run as its owner).
-- psql variables: restaurants, dishes (per restaurant), customers,
-- hot_stock (portions of the hot dish), app (the app role to create).
-- Everything is made through the router's foodorder.* functions, so the
-- restaurants go round the partitions and the customers reach every one.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA stress;

-- Restaurant number idx (1..:restaurants, what pgbench picks) and where
-- add_restaurant placed it.
CREATE TABLE stress.restaurant (
    idx       integer PRIMARY KEY,
    id        bigint NOT NULL,
    partition integer NOT NULL
);
INSERT INTO stress.restaurant (idx, id, partition)
SELECT g, r, (r % 1024)::integer
  FROM generate_series(1, :restaurants) AS g,
       LATERAL foodorder.add_restaurant('restaurant ' || g, delivery_fee_cents => 300) AS r
 ORDER BY g;

-- Dish number didx of restaurant ridx.  Dish 1 is the popular one
-- (pgbench picks it most) and sells out; dish 2 has few portions and
-- sells out too; 3-5 have more.  Dish 1 of restaurant 1 is hot (set_hot
-- below), on restaurant 1's partition only.
CREATE TABLE stress.dish (
    ridx      integer NOT NULL,
    didx      integer NOT NULL,
    id        bigint NOT NULL UNIQUE,
    partition integer NOT NULL,
    initial   integer NOT NULL,
    PRIMARY KEY (ridx, didx)
);
INSERT INTO stress.dish (ridx, didx, id, partition, initial)
SELECT r.idx, g, foodorder.add_dish(r.id, format('dish %s of restaurant %s', g, r.idx),
                                    price_cents => 500 + 100 * g + r.idx, stock => s.stock),
       r.partition, s.stock
  FROM stress.restaurant r, generate_series(1, :dishes) AS g,
       LATERAL (SELECT CASE WHEN r.idx = 1 AND g = 1 THEN :hot_stock
                            WHEN g = 1 THEN 30
                            WHEN g = 2 THEN 12
                            ELSE 40 * g END AS stock) s
 ORDER BY r.idx, g;
SELECT foodorder.set_hot(id) FROM stress.dish WHERE ridx = 1 AND didx = 1;

SELECT foodorder.add_customer('customer ' || g) FROM generate_series(1, :customers) AS g ORDER BY g;

CREATE ROLE :"app" LOGIN;
SELECT foodorder.grant_app(:'app');

-- One row per pgbench transaction: which script, the call's outcome
-- ('00000' placed, or the SQLSTATE; cancels: true, false, none or the
-- SQLSTATE), and, for the calls retried with the same request key, the
-- retry's.  Any error is caught and recorded, so that pgbench never aborts
-- a client and every SQLSTATE is counted; the checks decide which were
-- expected.
CREATE UNLOGGED TABLE stress.call (
    script      text NOT NULL,
    variant     text,
    customer    bigint NOT NULL,
    request_key text,
    partition   integer,
    order_id    bigint,
    state       text NOT NULL,
    retry_id    bigint,
    retry_state text,
    message     text,
    detail      text
);

-- The dish ids of restaurant ridx's dishes didxs[1:n].
CREATE FUNCTION stress.dish_ids(ridx integer, didxs integer[], n integer) RETURNS bigint[]
LANGUAGE sql STABLE
RETURN (SELECT array_agg(d.id ORDER BY i)
          FROM generate_subscripts(didxs[1:n], 1) AS i
          JOIN stress.dish d ON d.ridx = dish_ids.ridx AND d.didx = didxs[i]);

-- A place_order call; returns the order id, or null and the SQLSTATE.
CREATE FUNCTION stress.try_order(customer bigint, dishes bigint[], quantities integer[], key text,
                                 OUT order_id bigint, OUT state text, OUT message text,
                                 OUT detail text)
LANGUAGE plpgsql AS $$
BEGIN
    order_id := foodorder.place_order(customer, dishes, quantities, request_key => key);
    state := '00000';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL;
END $$;

-- order.pgbench: 1-3 dishes (didxs[1:n], quantities qs[1:n]) of
-- restaurant r, with a request key by keymode:
--   0 none;
--   1 a new key ('u' || nonce), and the call retried at once with it, as a
--     client does that lost the answer: the retry must return the same id;
--   2 key 'k' || k of the customer, for an order that key determines
--     (restaurant, dishes and quantities are a function of customer and
--     k): clients that draw the same customer and k are retries of one
--     request, at the same time or later;
--   3 key 'k' || k for the random order: a client reusing a key for
--     another order, which must be refused with OR004 (or return the
--     key's order, if it happens to be the same), never placed a second
--     time, whichever partition the key's order is on;
--   4 the same, with the restaurant (so the partition) of the key's order
--     and random dishes of it.
CREATE FUNCTION stress.order_once(customer bigint, r integer, n integer, didxs integer[],
                                  qs integer[], keymode integer, k integer, nonce text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    restaurants integer := (SELECT count(*) FROM stress.restaurant);
    per integer := (SELECT max(didx) FROM stress.dish);
    key text := CASE keymode WHEN 0 THEN NULL WHEN 1 THEN 'u' || nonce ELSE 'k' || k END;
    ds bigint[];
    a record;
    retry_id bigint;
    retry_state text;
    retry_message text;
    retry_detail text;
BEGIN
    IF keymode IN (2, 4) THEN
        r := 1 + (customer * 7 + k * 3) % restaurants;
    END IF;
    IF keymode = 2 THEN
        n := 1 + (customer + k) % 3;
        didxs := ARRAY[1 + (customer * k) % per, 1 + (customer + 2 * k) % per, 1 + (k + 1) % per];
        qs := ARRAY[1 + (customer + k) % 3, 1 + k % 2, 1 + customer % 2];
    END IF;
    ds := stress.dish_ids(r, didxs, n);
    a := stress.try_order(customer, ds, qs[1:n], key);
    IF keymode = 1 THEN
        SELECT * INTO retry_id, retry_state, retry_message, retry_detail
          FROM stress.try_order(customer, ds, qs[1:n], key);
    END IF;
    INSERT INTO stress.call VALUES ('order', 'keymode ' || keymode, customer, key,
                                    (SELECT partition FROM stress.restaurant WHERE idx = r),
                                    a.order_id, a.state, retry_id, retry_state,
                                    coalesce(a.message, retry_message),
                                    CASE WHEN a.message IS NOT NULL THEN a.detail ELSE retry_detail END);
    RETURN a.state;
END $$;

-- cart.pgbench: the customer's cart is emptied, filled with 1-3 dishes of
-- restaurant r, ordered with a new request key, and the cart order
-- retried with that key (the retry must return the same order).  Each
-- pgbench client has a customer of its own for this, so that the cart
-- holds what this call put in it.
CREATE FUNCTION stress.place_cart(customer bigint, key text,
                                  OUT order_id bigint, OUT state text, OUT message text,
                                  OUT detail text)
LANGUAGE plpgsql AS $$
BEGIN
    order_id := foodorder.place_order_from_cart(customer, request_key => key);
    state := '00000';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL;
END $$;

CREATE FUNCTION stress.cart_once(customer bigint, r integer, n integer, didxs integer[],
                                 qs integer[], nonce text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    key text := 'c' || nonce;
    ds bigint[] := stress.dish_ids(r, didxs, n);
    a record;
    b record;
    st text;
    msg text;
BEGIN
    BEGIN
        PERFORM foodorder.cart_clear(customer);
        FOR i IN 1 .. n LOOP
            PERFORM foodorder.cart_set(customer, ds[i], qs[i]);
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        INSERT INTO stress.call VALUES ('cart', 'cart_set', customer, key,
                                        (SELECT partition FROM stress.restaurant WHERE idx = r),
                                        NULL, st, NULL, NULL, msg, NULL);
        RETURN st;
    END;
    a := stress.place_cart(customer, key);
    b := stress.place_cart(customer, key);
    INSERT INTO stress.call VALUES ('cart', 'place_order_from_cart', customer, key,
                                    (SELECT partition FROM stress.restaurant WHERE idx = r),
                                    a.order_id, a.state, b.order_id, b.state,
                                    coalesce(a.message, b.message),
                                    CASE WHEN a.message IS NOT NULL THEN a.detail ELSE b.detail END);
    RETURN a.state;
END $$;

-- cancel.pgbench: the customer cancels one of their newest placed orders
-- (the pick-th, by customer_orders, newest first across the partitions).
-- Two clients may pick the same order: the second waits and returns false.
CREATE FUNCTION stress.cancel_once(customer bigint, pick integer) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    o bigint;
    result text;
    msg text;
BEGIN
    SELECT id INTO o FROM foodorder.customer_orders(customer)
     WHERE status = 'placed' OFFSET pick LIMIT 1;
    IF o IS NULL THEN
        result := 'none';
    ELSE
        BEGIN
            result := foodorder.cancel_order(o)::text;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS result = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        END;
    END IF;
    INSERT INTO stress.call VALUES ('cancel', NULL, customer, NULL, (o % 1024)::integer,
                                    o, result, NULL, NULL, msg, NULL);
    RETURN result;
END $$;

-- cross.pgbench: one dish of restaurant r and one of another restaurant,
-- in either order: on another partition (the router refuses it) or, by
-- same_partition, on r's partition (the partition refuses it).  Both must
-- be 22023, and nothing placed.
CREATE FUNCTION stress.cross_once(customer bigint, r integer, other integer, same_partition boolean,
                                  other_first boolean)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    p integer := (SELECT partition FROM stress.restaurant WHERE idx = r);
    r2 integer;
    ds bigint[];
    a record;
BEGIN
    SELECT idx INTO r2 FROM stress.restaurant x
     WHERE x.idx <> r AND (x.partition = p) = same_partition
     ORDER BY idx OFFSET other % (SELECT count(*) FROM stress.restaurant x
                                   WHERE x.idx <> r AND (x.partition = p) = same_partition)
     LIMIT 1;
    ds := stress.dish_ids(r, ARRAY[3], 1) || stress.dish_ids(r2, ARRAY[4], 1);
    IF other_first THEN
        ds := ARRAY[ds[2], ds[1]];
    END IF;
    a := stress.try_order(customer, ds, ARRAY[1, 1], NULL);
    INSERT INTO stress.call VALUES ('cross', CASE WHEN same_partition THEN 'same partition'
                                                   ELSE 'two partitions' END,
                                    customer, NULL, p, a.order_id, a.state, NULL, NULL, a.message,
                                    a.detail);
    RETURN a.state;
END $$;

-- The positive control of the reconnect count: a refused read (a customer
-- role asking for another customer's cart) is a PL/Proxy remote error,
-- which costs a reconnect on the next call; 42501 is caught so that
-- pgbench goes on.
CREATE FUNCTION stress.refused_read(customer bigint) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM foodorder.cart(customer);
    RETURN 'read';
EXCEPTION WHEN insufficient_privilege THEN
    RETURN '42501';
END $$;

-- The app role runs the wrappers as itself (SECURITY INVOKER), so that
-- PL/Proxy logs in to the partitions as the app role.
GRANT USAGE ON SCHEMA stress TO :"app";
GRANT SELECT ON stress.restaurant, stress.dish TO :"app";
GRANT INSERT ON stress.call TO :"app";
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA stress TO :"app";

ANALYZE stress.restaurant, stress.dish;
