-- Benchmark fixture: the foodorder extension, a 1,000-dish menu whose stock
-- never runs out during a run, customers, and the bench schema (the PL/pgSQL
-- twin of place_order, the optimistic variant's give-up log, the per-run start,
-- undo and invariant check, the result table).  Run once per throwaway cluster by bench/run.
\set ON_ERROR_STOP on

CREATE EXTENSION foodorder;

-- psql variables, set by bench/run: ndishes, ncustomers, stock
INSERT INTO foodorder.dish (id, name, price_cents, stock)
SELECT i, 'dish ' || i, 100 + (i * 7919) % 4900, :stock
  FROM generate_series(1, :ndishes) AS i;
INSERT INTO foodorder.customer (id, name)
SELECT i, 'customer ' || i FROM generate_series(1, :ncustomers) AS i;

-- Order history, so that every run meets tables and plans of a live system
-- rather than empty ones: :seed_orders orders of two distinct dishes each,
-- written consistently (stock and sold moved, totals from lines).
CREATE TEMP TABLE seed_line AS
SELECT o AS order_id, d.dish_id, 1 AS quantity, x.price_cents
  FROM generate_series(1, :seed_orders) AS o,
       LATERAL (SELECT 1 + (random() * (:ndishes - 1))::int AS a,
                       1 + (random() * (:ndishes - 2))::int AS b
                 WHERE o > 0) AS r,
       LATERAL (VALUES (r.a), (CASE WHEN r.b >= r.a THEN r.b + 1 ELSE r.b END)) AS d(dish_id)
  JOIN foodorder.dish x ON x.id = d.dish_id;
INSERT INTO foodorder.orders (id, customer_id, total_count, total_cents, created_at)
SELECT order_id, 1 + (order_id * 7907) % :ncustomers, sum(quantity),
       sum(quantity::bigint * price_cents), now() - interval '1 day'
  FROM seed_line GROUP BY order_id ORDER BY order_id;
INSERT INTO foodorder.order_item (order_id, dish_id, quantity, price_cents)
SELECT order_id, dish_id, quantity, price_cents FROM seed_line ORDER BY order_id, dish_id;
UPDATE foodorder.dish d SET stock = d.stock - s.q, sold = d.sold + s.q
  FROM (SELECT dish_id, sum(quantity) AS q FROM seed_line GROUP BY dish_id) s
 WHERE s.dish_id = d.id;
SELECT setval(pg_get_serial_sequence('foodorder.orders', 'id'), max(id)) FROM foodorder.orders;
DROP TABLE seed_line;

CREATE SCHEMA bench;

-- stock + sold of every dish: constant under any correct variant
CREATE TABLE bench.initial_stock AS SELECT id, stock + sold AS total FROM foodorder.dish;
-- sold of every dish and the last order id before the current run
CREATE TABLE bench.before (id bigint PRIMARY KEY, sold integer NOT NULL);
CREATE TABLE bench.before_order (last_id bigint NOT NULL);

-- One row per order the optimistic variant gave up on (3 failed compare-and-set
-- attempts on one dish).  Unlogged: it is scratch data.
CREATE UNLOGGED TABLE bench.giveup (dish_id bigint, at timestamptz DEFAULT now());

/*
 * place_order() written as a competent PL/pgSQL developer would: same
 * arguments, same checks and errors (SQLSTATEs), same deadlock-free plan:
 * merge and sort the lines, lock the dish rows in ascending id order with
 * FOR NO KEY UPDATE, check stock under the lock, then update and insert with
 * set-based statements.  SECURITY DEFINER with a pinned search_path, like
 * the real one.
 */
CREATE FUNCTION bench.place_order_plpgsql(
    customer    bigint,
    dishes      bigint[],
    quantities  integer[],
    address     bigint DEFAULT NULL,
    pay_method  text DEFAULT NULL,
    request_key text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v_ids       bigint[];
    v_qty       integer[];
    v_prices    integer[] := '{}';
    v_total     bigint;
    v_cents     bigint := 0;
    v_order     bigint;
    v_existing  bigint;
    r           record;
    n           integer := 0;
BEGIN
    IF customer IS NULL OR dishes IS NULL OR quantities IS NULL THEN
        RAISE EXCEPTION 'customer, dishes and quantities must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF array_ndims(dishes) > 1 OR array_ndims(quantities) > 1 THEN
        RAISE EXCEPTION 'dishes and quantities must be one-dimensional arrays'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF array_position(dishes, NULL) IS NOT NULL
       OR array_position(quantities, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'dishes and quantities must not contain null elements'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF coalesce(cardinality(dishes), 0) = 0 THEN
        RAISE EXCEPTION 'an order must contain at least one dish'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cardinality(dishes) <> cardinality(quantities) THEN
        RAISE EXCEPTION 'dishes and quantities must have the same length'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM unnest(quantities) AS q WHERE q <= 0) THEN
        RAISE EXCEPTION 'quantity must be positive'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Merge repeated dishes and sort by id; a sum past int4 raises
    -- "integer out of range" through the casts.
    SELECT array_agg(l.dish_id ORDER BY l.dish_id), array_agg(l.qty ORDER BY l.dish_id),
           sum(l.qty)::integer
      INTO v_ids, v_qty, v_total
      FROM (SELECT u.dish_id, sum(u.qty)::integer AS qty
              FROM unnest(dishes, quantities) AS u(dish_id, qty)
             GROUP BY u.dish_id) AS l;

    IF NOT EXISTS (SELECT FROM foodorder.customer c WHERE c.id = customer) THEN
        RAISE EXCEPTION 'customer % does not exist', customer
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF request_key IS NOT NULL THEN
        SELECT o.id INTO v_existing FROM foodorder.orders o
         WHERE o.customer_id = customer AND o.request_key = place_order_plpgsql.request_key;
        IF FOUND THEN
            RAISE EXCEPTION 'request key "%" was already used by customer %',
                request_key, customer
                USING ERRCODE = 'unique_violation',
                      DETAIL = format('It placed order %s.', v_existing);
        END IF;
    END IF;

    -- Lock in ascending id order (LockRows sits above the Sort), check stock
    -- read under the lock, remember the prices.
    FOR r IN
        SELECT d.id, d.stock, d.price_cents, l.qty
          FROM foodorder.dish d
          JOIN unnest(v_ids, v_qty) AS l(dish_id, qty) ON l.dish_id = d.id
         ORDER BY d.id
           FOR NO KEY UPDATE OF d
    LOOP
        n := n + 1;
        IF r.id <> v_ids[n] THEN
            RAISE EXCEPTION 'dish % does not exist', v_ids[n]
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF r.stock < r.qty THEN
            RAISE EXCEPTION 'insufficient stock for dish %', r.id
                USING ERRCODE = 'OR001',
                      DETAIL = format('Not enough portions left: dish %s has %s left, %s requested.',
                                      r.id, r.stock, r.qty);
        END IF;
        v_prices := v_prices || r.price_cents;
        v_cents := v_cents + r.qty::bigint * r.price_cents;
    END LOOP;
    IF n < cardinality(v_ids) THEN
        RAISE EXCEPTION 'dish % does not exist', v_ids[n + 1]
            USING ERRCODE = 'foreign_key_violation';
    END IF;

    UPDATE foodorder.dish d
       SET stock = d.stock - l.qty, sold = d.sold + l.qty
      FROM unnest(v_ids, v_qty) AS l(dish_id, qty)
     WHERE d.id = l.dish_id;

    INSERT INTO foodorder.orders
        (customer_id, total_count, total_cents, address_id, pay_method, request_key)
    VALUES (customer, v_total, v_cents, address, pay_method, request_key)
    RETURNING id INTO v_order;

    INSERT INTO foodorder.order_item (order_id, dish_id, quantity, price_cents)
    SELECT v_order, l.dish_id, l.qty, l.price
      FROM unnest(v_ids, v_qty, v_prices) AS l(dish_id, qty, price);

    RETURN v_order;
END
$fn$;

REVOKE ALL ON FUNCTION bench.place_order_plpgsql(bigint, bigint[], integer[], bigint, text, text) FROM PUBLIC;

-- Before a run: remember sold per dish and the last order id; empty the
-- give-up log.
CREATE PROCEDURE bench.start_run()
LANGUAGE sql AS $$
    TRUNCATE bench.before, bench.before_order, bench.giveup;
    INSERT INTO bench.before SELECT id, sold FROM foodorder.dish;
    INSERT INTO bench.before_order SELECT coalesce(max(id), 0) FROM foodorder.orders;
$$;

-- After a run (and its check): undo it.  Its orders and lines go, their
-- portions go back into stock, so every run starts from the same seeded
-- tables rather than from ever bigger ones (whose index pages, each written
-- in full to the WAL on first touch after the CHECKPOINT before every run,
-- would make later runs slower than earlier ones).
CREATE PROCEDURE bench.undo_run()
LANGUAGE plpgsql AS $$
DECLARE
    v_from bigint := (SELECT last_id FROM bench.before_order);
BEGIN
    UPDATE foodorder.dish d SET stock = d.stock + l.q, sold = d.sold - l.q
      FROM (SELECT i.dish_id, sum(i.quantity) AS q FROM foodorder.order_item i
             WHERE i.order_id > v_from GROUP BY i.dish_id) l
     WHERE d.id = l.dish_id;
    DELETE FROM foodorder.order_item WHERE order_id > v_from;
    DELETE FROM foodorder.orders WHERE id > v_from;
END
$$;

/*
 * The invariants after a run, as violation counts (all zero when everything
 * adds up), over the orders of that run (id above bench.before_order):
 *   bad_stock   dishes whose stock + sold is not what it was at setup
 *   bad_sold    dishes whose sold grew by other than the sum of the run's
 *               order lines for the dish
 *   bad_totals  orders whose total_count / total_cents differ from the sum
 *               of their lines (orders without lines count too)
 * bench.check_invariants(true) checks all orders ever placed (the end-of-
 * benchmark check) instead, with sold = sum of all lines.
 */
CREATE FUNCTION bench.check_invariants(
    whole boolean DEFAULT false,
    OUT orders bigint, OUT lines bigint, OUT giveups bigint,
    OUT bad_stock bigint, OUT bad_sold bigint, OUT bad_totals bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_from bigint := CASE WHEN whole THEN 0
                          ELSE (SELECT last_id FROM bench.before_order) END;
BEGIN
    SELECT count(*) INTO orders FROM foodorder.orders o WHERE o.id > v_from;
    SELECT count(*) INTO lines FROM foodorder.order_item i WHERE i.order_id > v_from;
    SELECT count(*) INTO giveups FROM bench.giveup;
    SELECT count(*) INTO bad_stock
      FROM foodorder.dish d JOIN bench.initial_stock s USING (id)
     WHERE d.stock + d.sold <> s.total;
    SELECT count(*) INTO bad_sold
      FROM foodorder.dish d
      LEFT JOIN bench.before b ON b.id = d.id AND NOT whole
      LEFT JOIN (SELECT i.dish_id, sum(i.quantity) AS q FROM foodorder.order_item i
                  WHERE i.order_id > v_from GROUP BY i.dish_id) l ON l.dish_id = d.id
     WHERE d.sold - coalesce(b.sold, 0) <> coalesce(l.q, 0);
    SELECT count(*) INTO bad_totals
      FROM foodorder.orders o
      LEFT JOIN (SELECT i.order_id, sum(i.quantity) AS q,
                        sum(i.quantity::bigint * i.price_cents) AS c
                   FROM foodorder.order_item i WHERE i.order_id > v_from
                  GROUP BY i.order_id) l ON l.order_id = o.id
     WHERE o.id > v_from
       AND (l.order_id IS NULL OR o.total_count <> l.q OR o.total_cents <> l.c);
END
$$;

-- One row per pgbench run, filled by bench/run; bench/report.sql reads it.
CREATE TABLE bench.result (
    rep int, workload text, clients int, variant text, seq int,
    rc int, tps numeric, latency_ms numeric, txns bigint, failed bigint,
    serialization_failures bigint, deadlock_failures bigint,
    retried bigint, retries bigint, pg_deadlocks bigint,
    orders bigint, giveups bigint,
    bad_stock bigint, bad_sold bigint, bad_totals bigint);

VACUUM ANALYZE;
