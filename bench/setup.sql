-- Benchmark fixture: the foodorder extension, a 1,000-dish menu whose stock
-- never runs out during a run, customers, and the bench schema (the PL/pgSQL
-- twin of place_order, place_order through 1.1's C entry point, the
-- optimistic variant's give-up log, the flash sale's order wrapper, the
-- per-run start, undo and invariant check, the result tables).  Run once per
-- throwaway cluster by bench/run.
--
-- Any dish may be hot (foodorder.set_hot) during a run: a hot dish's row
-- holds no stock, so stock and sold are always read from foodorder.menu.
\set ON_ERROR_STOP on

CREATE EXTENSION foodorder;

-- psql variables, set by bench/run: ndishes, ncustomers, stock.  Every
-- dish is of restaurant 1, the default one (dish.restaurant_id's default).
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
INSERT INTO foodorder.orders (id, customer_id, restaurant_id, total_count, total_cents, created_at)
SELECT order_id, 1 + (order_id * 7907) % :ncustomers, 1, sum(quantity),
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

-- stock + sold of every dish: constant under any correct variant (the
-- flash sale adds its dishes)
CREATE TABLE bench.initial_stock AS SELECT id, stock + sold AS total FROM foodorder.dish;
ALTER TABLE bench.initial_stock ADD PRIMARY KEY (id);
-- sold of every dish and the last order id before the current run
CREATE TABLE bench.before (id bigint PRIMARY KEY, sold integer NOT NULL);
CREATE TABLE bench.before_order (last_id bigint NOT NULL);

-- One row per order the optimistic variant gave up on (3 failed compare-and-set
-- attempts on one dish).  Unlogged: it is scratch data.
CREATE UNLOGGED TABLE bench.giveup (dish_id bigint, at timestamptz DEFAULT now());

-- One row per flash sale refusal while portions were left (bench.flash_order).
CREATE UNLOGGED TABLE bench.flash_refusal (
    client int, txn int, quantity int,
    stock_left int,                 -- the dish's stock just after the refusal
    at timestamptz DEFAULT clock_timestamp());

/*
 * place_order() of foodorder 1.1 written as a competent PL/pgSQL developer
 * would: same arguments, same checks in the same order with the same
 * SQLSTATEs, same rows written, same deadlock-free plan.  Validate the
 * arguments, merge and sort the lines; check the caller (a trusted caller,
 * the owner or a superuser as in this benchmark, costs one boolean and no
 * lookup, as in C), the customer and the address; lock the dish rows in
 * ascending id order with FOR NO KEY UPDATE and check each one under the
 * lock (exists, one restaurant, on sale, stock); insert the order with
 * ON CONFLICT (customer_id, request_key) DO NOTHING (named by its
 * constraint: request_key is also a parameter); then update the stock
 * and insert the lines with set-based statements.  SECURITY DEFINER with a
 * pinned search_path, like the real one.
 *
 * The C function writes the order row before it locks the dishes (reading
 * prices unlocked and correcting the total if one changed) and updates the
 * locked rows by ctid; this twin does the straightforward thing instead,
 * locking first.  Request keys behave the same: a used key returns its
 * order (OR004 if its lines differ) before anything is locked, and a
 * concurrent call with the same key waits for the first (on the dish locks
 * or in ON CONFLICT), then returns its order; should the first have sold
 * the last portion, the check that fails looks the key up again first.
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
    v_ids        bigint[];
    v_qty        bigint[];      -- merged quantities; each fits integer (checked)
    v_total      bigint;
    v_prices     integer[] := '{}';
    v_cents      bigint := 0;
    v_fee        integer := 0;
    v_restaurant bigint;
    v_order      bigint;
    v_dish       bigint;
    v_failed     text;          -- which check failed under the lock, if any
    r            record;
    n            integer := 0;
BEGIN
    IF dishes IS NULL THEN
        RAISE EXCEPTION 'dishes must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF quantities IS NULL THEN
        RAISE EXCEPTION 'quantities must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF customer IS NULL THEN
        RAISE EXCEPTION 'customer must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF pay_method NOT IN ('wechat', 'alipay', 'cash', 'card') THEN
        RAISE EXCEPTION 'unknown pay method "%"', pay_method
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use one of wechat, alipay, cash, card, or null to decide later.';
    END IF;
    IF array_ndims(dishes) > 1 THEN
        RAISE EXCEPTION 'dishes must be a one-dimensional array'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The array given has %s dimensions.', array_ndims(dishes));
    END IF;
    IF array_position(dishes, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'dishes must not contain null elements'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF array_ndims(quantities) > 1 THEN
        RAISE EXCEPTION 'quantities must be a one-dimensional array'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The array given has %s dimensions.', array_ndims(quantities));
    END IF;
    IF array_position(quantities, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'quantities must not contain null elements'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF coalesce(cardinality(dishes), 0) = 0 THEN
        RAISE EXCEPTION 'an order must contain at least one dish'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The dishes array is empty.';
    END IF;
    IF cardinality(dishes) <> coalesce(cardinality(quantities), 0) THEN
        RAISE EXCEPTION 'dishes and quantities must have the same length'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The dishes array has length %s, the quantities array %s.',
                                  cardinality(dishes), coalesce(cardinality(quantities), 0)),
                  HINT = 'Give one quantity for each dish, in the same order.';
    END IF;

    -- Merge repeated dishes and sort by id; the first non-positive
    -- quantity as given is an error.
    SELECT array_agg(l.dish_id ORDER BY l.dish_id), array_agg(l.qty ORDER BY l.dish_id),
           sum(l.qty), min(l.bad_n)
      INTO v_ids, v_qty, v_total, n
      FROM (SELECT u.dish_id, sum(u.qty) AS qty, min(u.n) FILTER (WHERE u.qty <= 0) AS bad_n
              FROM unnest(dishes, quantities) WITH ORDINALITY AS u(dish_id, qty, n)
             GROUP BY u.dish_id) AS l;
    IF n IS NOT NULL THEN
        RAISE EXCEPTION 'quantity must be positive'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Quantity %s was given for dish %s.', quantities[n], dishes[n]);
    END IF;
    IF v_total > 2147483647 THEN
        SELECT l.dish_id INTO v_dish FROM unnest(v_ids, v_qty) AS l(dish_id, qty)
         WHERE l.qty > 2147483647 ORDER BY l.dish_id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'quantity of dish % is too large', v_dish
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = 'The quantities given for it add up to more than 2147483647.';
        END IF;
        RAISE EXCEPTION 'order is too large'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The quantities add up to more than 2147483647.';
    END IF;
    n := 0;

    -- Who may order for this customer: trusted callers without a lookup.
    IF NOT pg_has_role(foodorder.calling_role(), current_user, 'USAGE') THEN
        PERFORM foodorder.authorize_customer(customer);
    END IF;
    IF NOT EXISTS (SELECT FROM foodorder.customer c WHERE c.id = customer) THEN
        RAISE EXCEPTION 'customer % does not exist', customer
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF address IS NOT NULL
       AND NOT EXISTS (SELECT FROM foodorder.address a
                        WHERE a.id = address AND a.customer_id = customer) THEN
        RAISE EXCEPTION 'address % is not an address of customer %', address, customer
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Add it with foodorder.add_address() first.';
    END IF;
    IF request_key IS NOT NULL THEN
        v_order := bench.order_for_request_key(customer, request_key, v_ids, v_qty);
        IF v_order IS NOT NULL THEN
            RETURN v_order;
        END IF;
    END IF;

    -- Lock in ascending id order (LockRows sits above the Sort) and check
    -- every line against its row as locked; the first failure in id order
    -- is the one reported.
    FOR r IN
        SELECT d.id, d.stock, d.price_cents, d.restaurant_id, d.on_sale, d.name, l.qty
          FROM foodorder.dish d
          JOIN unnest(v_ids, v_qty) AS l(dish_id, qty) ON l.dish_id = d.id
         ORDER BY d.id
           FOR NO KEY UPDATE OF d
    LOOP
        n := n + 1;
        IF r.id <> v_ids[n] THEN
            v_failed := 'missing';
        ELSIF n = 1 THEN
            v_restaurant := r.restaurant_id;
        ELSIF r.restaurant_id <> v_restaurant THEN
            v_failed := 'restaurant';
        END IF;
        IF v_failed IS NULL AND NOT r.on_sale THEN
            v_failed := 'on_sale';
        ELSIF v_failed IS NULL AND r.stock < r.qty THEN
            v_failed := 'stock';
        END IF;
        EXIT WHEN v_failed IS NOT NULL;
        v_prices := v_prices || r.price_cents;
        v_cents := v_cents + r.qty * r.price_cents;
    END LOOP;
    IF v_failed IS NULL AND n < cardinality(v_ids) THEN
        n := n + 1;
        v_failed := 'missing';
    END IF;

    IF v_failed IS NOT NULL THEN
        -- A concurrent call with the same key may have placed it meanwhile.
        IF request_key IS NOT NULL THEN
            v_order := bench.order_for_request_key(customer, request_key, v_ids, v_qty);
            IF v_order IS NOT NULL THEN
                RETURN v_order;
            END IF;
        END IF;
        CASE v_failed
        WHEN 'missing' THEN
            RAISE EXCEPTION 'dish % does not exist', v_ids[n]
                USING ERRCODE = 'foreign_key_violation';
        WHEN 'restaurant' THEN
            RAISE EXCEPTION 'an order cannot have dishes of more than one restaurant'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('Dish %s is from restaurant %s, dish %s from restaurant %s.',
                                      v_ids[1], v_restaurant, r.id, r.restaurant_id),
                      HINT = 'Place one order per restaurant.';
        WHEN 'on_sale' THEN
            RAISE EXCEPTION 'dish % is not on sale', r.id
                USING ERRCODE = 'OR002',
                      DETAIL = format('Dish %s (%s) has been taken off the menu.', r.id, r.name);
        ELSE
            RAISE EXCEPTION 'insufficient stock for dish %', r.id
                USING ERRCODE = 'OR001',
                      DETAIL = format('Not enough portions left: dish %s has %s left, %s requested.',
                                      r.id, r.stock, r.qty);
        END CASE;
    END IF;

    -- The restaurant's delivery fee, for orders delivered to an address.
    IF address IS NOT NULL THEN
        SELECT rs.delivery_fee_cents INTO v_fee
          FROM foodorder.restaurant rs WHERE rs.id = v_restaurant;
    END IF;

    INSERT INTO foodorder.orders
        (customer_id, restaurant_id, total_count, total_cents, delivery_fee_cents,
         address_id, pay_method, request_key)
    VALUES (customer, v_restaurant, v_total, v_cents + v_fee, v_fee,
            address, pay_method, request_key)
    ON CONFLICT ON CONSTRAINT orders_customer_request_key DO NOTHING
    RETURNING id INTO v_order;
    IF NOT FOUND THEN
        -- A concurrent call with the same key committed first: its order.
        v_order := bench.order_for_request_key(customer, request_key, v_ids, v_qty);
        IF v_order IS NULL THEN
            RAISE EXCEPTION 'could not place order due to a concurrent change'
                USING ERRCODE = 'serialization_failure', HINT = 'Retry the order.';
        END IF;
        RETURN v_order;
    END IF;

    UPDATE foodorder.dish d
       SET stock = d.stock - l.qty, sold = d.sold + l.qty
      FROM unnest(v_ids, v_qty) AS l(dish_id, qty)
     WHERE d.id = l.dish_id;

    INSERT INTO foodorder.order_item (order_id, dish_id, quantity, price_cents)
    SELECT v_order, l.dish_id, l.qty, l.price
      FROM unnest(v_ids, v_qty, v_prices) AS l(dish_id, qty, price);

    RETURN v_order;
END
$fn$;

/*
 * The order the customer placed with request_key, or NULL; OR004 if its
 * lines are not exactly the given (merged, sorted) ones.
 */
CREATE FUNCTION bench.order_for_request_key(
    customer bigint, request_key text, dish_ids bigint[], quantities bigint[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v_order bigint;
BEGIN
    SELECT o.id INTO v_order FROM foodorder.orders o
     WHERE o.customer_id = customer AND o.request_key = order_for_request_key.request_key;
    IF FOUND AND (SELECT array_agg(i.dish_id ORDER BY i.dish_id) IS DISTINCT FROM dish_ids
                         OR array_agg(i.quantity::bigint ORDER BY i.dish_id) IS DISTINCT FROM quantities
                    FROM foodorder.order_item i WHERE i.order_id = v_order) THEN
        RAISE EXCEPTION 'request key "%" of customer % was used for a different order',
            request_key, customer
            USING ERRCODE = 'OR004',
                  DETAIL = format('Order %s was placed with that key, with other dishes or quantities.', v_order),
                  HINT = 'Use a new request key for a new order.';
    END IF;
    RETURN v_order;
END
$fn$;

REVOKE ALL ON FUNCTION bench.place_order_plpgsql(bigint, bigint[], integer[], bigint, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION bench.order_for_request_key(bigint, text, bigint[], bigint[]) FROM PUBLIC;

/*
 * place_order through the library's 1.1 entry point (the code path of
 * foodorder 1.1: every dish locked on its row), to compare 1.2 with 1.1 in
 * one run.  It knows nothing of hot dishes (it would find a hot dish's row
 * with stock 0), so bench/run never calls it while a dish is hot.
 */
CREATE FUNCTION bench.place_order_1_1(
    customer    bigint,
    dishes      bigint[],
    quantities  integer[],
    address     bigint DEFAULT NULL,
    pay_method  text DEFAULT NULL,
    request_key text DEFAULT NULL)
RETURNS bigint
AS 'foodorder', 'place_order_1_1'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION bench.place_order_1_1(bigint, bigint[], integer[], bigint, text, text) FROM PUBLIC;

-- Make exactly the given dishes hot, in ascending id order (set_hot locks
-- a dish whole).
CREATE PROCEDURE bench.make_hot(dishes bigint[])
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT d.id, d.hot, d.id = ANY (dishes) AS want FROM foodorder.dish d
              WHERE d.hot OR d.id = ANY (dishes) ORDER BY d.id
    LOOP
        IF r.hot <> r.want THEN
            PERFORM foodorder.set_hot(r.id, r.want);
        END IF;
    END LOOP;
END
$$;

-- Before a run: remember sold per dish and the last order id; empty the
-- give-up log and the flash sale's refusals.
CREATE PROCEDURE bench.start_run()
LANGUAGE sql AS $$
    TRUNCATE bench.before, bench.before_order, bench.giveup, bench.flash_refusal;
    INSERT INTO bench.before SELECT id, sold FROM foodorder.menu;
    INSERT INTO bench.before_order SELECT coalesce(max(id), 0) FROM foodorder.orders;
$$;

-- After a run (and its check): undo it.  Its orders and lines go, their
-- portions go back into stock, so every run starts from the same seeded
-- tables rather than from ever bigger ones (whose index pages, each written
-- in full to the WAL on first touch after the CHECKPOINT before every run,
-- would make later runs slower than earlier ones).  A hot dish is made
-- plain for the undo (its slots fold back into its row) and hot again.
CREATE PROCEDURE bench.undo_run()
LANGUAGE plpgsql AS $$
DECLARE
    v_from bigint := (SELECT last_id FROM bench.before_order);
    v_hot bigint[] := ARRAY(SELECT id FROM foodorder.dish WHERE hot ORDER BY id);
BEGIN
    CALL bench.make_hot('{}');
    UPDATE foodorder.dish d SET stock = d.stock + l.q, sold = d.sold - l.q
      FROM (SELECT i.dish_id, sum(i.quantity) AS q FROM foodorder.order_item i
             WHERE i.order_id > v_from GROUP BY i.dish_id) l
     WHERE d.id = l.dish_id;
    DELETE FROM foodorder.order_item WHERE order_id > v_from;
    DELETE FROM foodorder.orders WHERE id > v_from;
    CALL bench.make_hot(v_hot);
END
$$;

/*
 * The invariants after a run, as violation counts (all zero when everything
 * adds up), over the orders of that run (id above bench.before_order):
 *   bad_stock   dishes whose stock + sold is not what it was at setup
 *               (stock and sold from foodorder.menu: hot dishes too)
 *   bad_sold    dishes whose sold grew by other than the sum of the run's
 *               order lines for the dish
 *   bad_totals  orders whose total_count / total_cents differ from the sum
 *               of their lines (plus the delivery fee; orders without lines
 *               count too) or whose restaurant is not their dishes'
 *   bad_verify  rows of foodorder.verify(), the extension's own check of
 *               every order and dish (sold = lines of live orders, totals,
 *               one restaurant per order, stock >= 0)
 * bench.check_invariants(true) checks all orders ever placed (the end-of-
 * benchmark check) instead, with sold = sum of all lines.
 */
CREATE FUNCTION bench.check_invariants(
    whole boolean DEFAULT false,
    OUT orders bigint, OUT lines bigint, OUT giveups bigint,
    OUT bad_stock bigint, OUT bad_sold bigint, OUT bad_totals bigint,
    OUT bad_verify bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_from bigint := CASE WHEN whole THEN 0
                          ELSE (SELECT last_id FROM bench.before_order) END;
BEGIN
    SELECT count(*) INTO orders FROM foodorder.orders o WHERE o.id > v_from;
    SELECT count(*) INTO lines FROM foodorder.order_item i WHERE i.order_id > v_from;
    SELECT count(*) INTO giveups FROM bench.giveup;
    SELECT count(*) INTO bad_stock
      FROM foodorder.menu d LEFT JOIN bench.initial_stock s USING (id)
     WHERE d.stock + d.sold IS DISTINCT FROM s.total;
    SELECT count(*) INTO bad_sold
      FROM foodorder.menu d
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
       AND (l.order_id IS NULL OR o.total_count <> l.q
            OR o.total_cents <> l.c + o.delivery_fee_cents
            OR EXISTS (SELECT FROM foodorder.order_item i
                         JOIN foodorder.dish d ON d.id = i.dish_id
                        WHERE i.order_id = o.id AND d.restaurant_id <> o.restaurant_id));
    SELECT count(*) INTO bad_verify FROM foodorder.verify();
END
$$;

-- One row per pgbench run, filled by bench/run; bench/report.sql reads it.
CREATE TABLE bench.result (
    rep int, workload text, clients int, variant text, seq int,
    rc int, tps numeric, latency_ms numeric, txns bigint, failed bigint,
    serialization_failures bigint, deadlock_failures bigint,
    retried bigint, retries bigint, pg_deadlocks bigint,
    orders bigint, giveups bigint,
    bad_stock bigint, bad_sold bigint, bad_totals bigint, bad_verify bigint,
    pool int,                       -- through a PgBouncer pool of this size; NULL: direct
    p50_ms numeric, p99_ms numeric);  -- latency percentiles (--percentiles)

/*
 * The flash sale: every order is one dish, 1 to 3 portions, until it is
 * sold out.  pgbench 15 ends a client on any error it does not retry, so
 * this wrapper turns a refusal (OR001) into a row of bench.flash_refusal
 * and a return value of 0, as long as portions are left (fewer than
 * asked); once the dish is sold out it raises BS001, which ends the
 * pgbench client: pgbench ends when every client has seen the dish sold
 * out.  pgbench's transaction log has (client, transaction number) for
 * every transaction; the refusal rows have them too, so the log tells
 * orders from refusals.  The exception block is a subtransaction per call,
 * the same for a hot dish and a plain one.
 *
 * A warm sale (bench/run's flash mode warm) starts with the dish not on
 * sale: each client's first call is refused with OR002, which makes its
 * backend warm (library, plans, caches), then waits on the sale's barrier,
 * an advisory lock bench/run holds until every client waits; it puts the
 * dish on sale, records the moment in bench.flash_open and lets go.  The
 * waiting call returns -1 and started before the opening, so it is not
 * counted (bench.flash_summary).
 */
CREATE FUNCTION bench.flash_order(customer bigint, dish bigint, quantity integer,
                                  client integer, txn integer)
RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_left integer;
BEGIN
    RETURN foodorder.place_order(customer, ARRAY[dish], ARRAY[quantity]);
EXCEPTION WHEN SQLSTATE 'OR002' THEN
    PERFORM pg_advisory_xact_lock_shared(424242, dish::integer);
    RETURN -1;
WHEN SQLSTATE 'OR001' THEN
    SELECT m.stock INTO v_left FROM foodorder.menu m WHERE m.id = dish;
    IF v_left = 0 THEN
        RAISE EXCEPTION 'dish % is sold out', dish USING ERRCODE = 'BS001';
    END IF;
    INSERT INTO bench.flash_refusal (client, txn, quantity, stock_left)
    VALUES (client, txn, quantity, v_left);
    RETURN 0;
END
$$;

-- The flash sale run's pgbench transaction log (bench/run loads it): the
-- transaction's client and number, latency and end time.
CREATE UNLOGGED TABLE bench.flash_log (
    client int, txn int, latency_us bigint, end_s bigint, end_us bigint);

-- The moment a warm sale opened (the dish put on sale, the barrier let go).
CREATE UNLOGGED TABLE bench.flash_open (dish bigint PRIMARY KEY, opened_at timestamptz NOT NULL);

/*
 * A flash sale run of dish $1 in numbers, from bench.flash_log,
 * bench.flash_refusal and the run's orders: a logged transaction placed an
 * order unless it has a refusal row.  The sale starts at the first
 * transaction's start, or for a warm sale at its opening (bench.flash_open),
 * and transactions that started before it (the warm-up calls) are left out.
 * Time to sell out: from the start to the end of the last transaction that
 * placed an order.  The pace: orders are numbered by their end, n in all;
 * the middle runs from the end of order round(0.1 n) to that of round(0.9 n),
 * the last tenth from there to the last order's end.
 */
CREATE FUNCTION bench.flash_summary(dish bigint,
    OUT sellout_s numeric, OUT orders bigint, OUT orders_per_s numeric,
    OUT p50_ms numeric, OUT p99_ms numeric, OUT refusals bigint,
    OUT wrong_refusals bigint, OUT final_stock bigint, OUT lines bigint,
    OUT logged_orders bigint,
    OUT first_order_ms numeric,     -- start to the first order's end
    OUT first_100ms_orders bigint,  -- orders ended within 0.1 s of the start
    OUT mid_per_s numeric, OUT last_tenth_per_s numeric)
LANGUAGE sql STABLE AS $$
    WITH opened AS (
        SELECT (extract(epoch FROM o.opened_at) * 1e6)::bigint AS at
          FROM bench.flash_open o WHERE o.dish = $1
    ), log AS (
        SELECT l.latency_us, l.end_s * 1000000 + l.end_us AS end_at,
               NOT EXISTS (SELECT FROM bench.flash_refusal r
                            WHERE r.client = l.client AND r.txn = l.txn) AS placed
          FROM bench.flash_log l
         WHERE l.end_s * 1000000 + l.end_us - l.latency_us
               >= coalesce((SELECT at FROM opened), 0)
    ), t AS (
        SELECT coalesce((SELECT at FROM opened), min(end_at - latency_us)) AS t0,
               max(end_at) FILTER (WHERE placed) AS t1,
               count(*) FILTER (WHERE placed) AS logged,
               percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_us) FILTER (WHERE placed) AS p50,
               percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_us) FILTER (WHERE placed) AS p99
          FROM log
    ), p AS (
        SELECT end_at, row_number() OVER (ORDER BY end_at) AS i, count(*) OVER () AS n
          FROM log WHERE placed
    ), pace AS (
        SELECT max(end_at) FILTER (WHERE i = round(0.1 * n)) AS e10,
               max(end_at) FILTER (WHERE i = round(0.9 * n)) AS e90,
               max(end_at) AS en, min(end_at) AS e1,
               max(round(0.9 * n) - round(0.1 * n)) AS mid_n, max(n - round(0.9 * n)) AS last_n
          FROM p
    ), o AS (
        SELECT count(DISTINCT i.order_id) AS n, sum(i.quantity) AS q
          FROM foodorder.order_item i
         WHERE i.dish_id = $1 AND i.order_id > (SELECT last_id FROM bench.before_order)
    )
    SELECT round((t.t1 - t.t0) / 1e6, 3), o.n,
           round(o.n / nullif((t.t1 - t.t0) / 1e6, 0), 1),
           round(t.p50 / 1e3, 3), round(t.p99 / 1e3, 3),
           (SELECT count(*) FROM bench.flash_refusal),
           (SELECT count(*) FROM bench.flash_refusal r WHERE r.stock_left >= r.quantity),
           (SELECT m.stock FROM foodorder.menu m WHERE m.id = $1),
           coalesce(o.q, 0), t.logged,
           round((pace.e1 - t.t0) / 1e3, 1),
           (SELECT count(*) FROM p WHERE p.end_at <= t.t0 + 100000),
           round(pace.mid_n / nullif((pace.e90 - pace.e10) / 1e6, 0), 1),
           round(pace.last_n / nullif((pace.en - pace.e90) / 1e6, 0), 1)
      FROM t, o, pace
$$;

-- One row per flash sale run, filled by bench/run; bench/report.sql reads it.
CREATE TABLE bench.flash_result (
    rep int, mode text, portions int, clients int, seq int, rc int,
    sellout_s numeric,              -- first order's start to last order's end (pgbench log)
    orders bigint, orders_per_s numeric,
    p50_ms numeric, p99_ms numeric, -- of the transactions that placed an order
    refusals bigint,                -- OR001 while portions were left
    wrong_refusals bigint,          -- of those, refused though the stock left covered them
    final_stock bigint, lines bigint, -- portions in the dish's order lines
    logged_orders bigint,           -- orders by the pgbench log (= orders)
    ended_sold_out int,             -- pgbench clients that ended on "sold out" (= clients)
    pg_deadlocks bigint, bad_verify bigint, bad_invariants bigint,
    first_order_ms numeric,         -- the sale's start to the first order's end
    first_100ms_orders bigint,      -- orders ended in the sale's first 0.1 s
    mid_per_s numeric, last_tenth_per_s numeric,  -- orders/s, middle 80% and last tenth
    opened_s numeric);              -- a warm sale's opening, epoch seconds (NULL: cold)

VACUUM ANALYZE;
