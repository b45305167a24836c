/* foodorder 1.2 -> 1.2.1: security and availability fixes.
 *
 * A customer has at most 20 addresses (54000 past it), counted under a
 * lock on the customer row so that concurrent add_address calls cannot
 * pass the limit together.
 */

\echo Use "ALTER EXTENSION foodorder UPDATE TO '1.2.1'" to load this file. \quit

-- Refuse a 21st address of a customer (54000).  Locks the customer row
-- (FOR NO KEY UPDATE, which an order's foreign-key check does not wait
-- for), so two concurrent calls count one after the other.  Also called
-- by foodorder_shard.put_address on each partition of a sharded database.
CREATE FUNCTION foodorder.check_address_room(customer bigint)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    max_addresses CONSTANT integer := 20;
    have integer;
BEGIN
    PERFORM FROM foodorder.customer c WHERE c.id OPERATOR(pg_catalog.=) customer
        FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'customer % does not exist', customer USING ERRCODE = '23503';
    END IF;
    SELECT pg_catalog.count(*) INTO have
      FROM foodorder.address a WHERE a.customer_id OPERATOR(pg_catalog.=) customer;
    IF have OPERATOR(pg_catalog.>=) max_addresses THEN
        RAISE EXCEPTION 'customer % has % addresses already', customer, have
            USING ERRCODE = '54000',
                  DETAIL = pg_catalog.format('A customer may have at most %s addresses.', max_addresses),
                  HINT = 'Use one of the customer''s addresses.';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION foodorder.check_address_room(bigint) FROM PUBLIC;

CREATE OR REPLACE FUNCTION foodorder.add_address(customer bigint, detail text, label text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id bigint;
BEGIN
    IF customer IS NULL OR detail IS NULL THEN
        RAISE EXCEPTION 'customer and detail must not be null' USING ERRCODE = '22004';
    END IF;
    PERFORM foodorder.authorize_customer(customer);
    PERFORM foodorder.check_length('detail', detail, 500);
    PERFORM foodorder.check_length('label', label, 50);
    PERFORM foodorder.check_address_room(customer);
    INSERT INTO foodorder.address (customer_id, label, detail)
    VALUES (customer, add_address.label, add_address.detail)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

------------------------------------------------------------------------
-- Bounded lock waits (issue 17, item 6)
--
-- A transaction left open after a call holds its dishes until it ends;
-- with lock_timeout 0 (PostgreSQL's default) every call needing one of
-- them would wait for ever.  Each function that may wait for a dish (its
-- row or a hot dish's slots), an order or a cart lowers lock_timeout for
-- the rest of the function to foodorder.lock_wait_timeout (the DBA's
-- setting, 5s by default), or keeps the caller's shorter one; a wait that
-- runs out is 55P03 naming the dish.  The C functions do both themselves
-- (lock_wait.c); the PL/pgSQL functions below call bound_lock_wait() first
-- and catch the 55P03 of their dish locks, which costs a subtransaction:
-- they are staff calls, not the order path.
------------------------------------------------------------------------

-- Lower lock_timeout until the calling function returns: the caller must
-- have a SET clause (a GUC nest level), as every foodorder function does.
-- None here, or the lower value would end with this function.
CREATE FUNCTION foodorder.bound_lock_wait() RETURNS void
AS 'MODULE_PATHNAME', 'sql_bound_lock_wait'
LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION foodorder.bound_lock_wait() FROM PUBLIC;

-- As in 1.1, with the wait for the dish bounded (set_price, set_on_sale,
-- set_daily_stock and set_hot lock the dish here).
CREATE OR REPLACE FUNCTION foodorder.lock_dish_for_staff(dish bigint) RETURNS foodorder.dish
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d foodorder.dish;
BEGIN
    PERFORM foodorder.bound_lock_wait();
    BEGIN
        SELECT * INTO d FROM foodorder.dish x
         WHERE x.id OPERATOR(pg_catalog.=) lock_dish_for_staff.dish
           FOR NO KEY UPDATE;
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'timed out waiting for dish %', lock_dish_for_staff.dish
            USING ERRCODE = '55P03',
                  DETAIL = pg_catalog.format('It waited %s, as long as foodorder.lock_wait_timeout '
                                             'or the caller''s shorter lock_timeout allows; '
                                             'nothing was written.',
                                             pg_catalog.current_setting('lock_timeout')),
                  HINT = 'Retry the call.';
    END;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'dish % does not exist', lock_dish_for_staff.dish
            USING ERRCODE = '23503';
    END IF;
    PERFORM foodorder.authorize_staff(d.restaurant_id);
    RETURN d;
END
$$;

-- As in 1.2, with the waits bounded: for the dish row (lock_dish_for_staff)
-- and, making it plain again, for the orders holding its slots.
CREATE OR REPLACE FUNCTION foodorder.set_hot(dish bigint, hot boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d foodorder.dish;
BEGIN
    IF dish IS NULL OR hot IS NULL THEN
        RAISE EXCEPTION 'dish and hot must not be null' USING ERRCODE = '22004';
    END IF;
    PERFORM foodorder.bound_lock_wait();
    d := foodorder.lock_dish_for_staff(dish);
    IF d.hot OPERATOR(pg_catalog.=) hot THEN
        RETURN;
    END IF;
    IF hot THEN
        -- More slots than orders in flight, or some would wait (README)
        INSERT INTO foodorder.dish_slot (dish_id, slot, stock, sold)
        SELECT d.id, n, 0, 0 FROM pg_catalog.generate_series(0, 63) AS n;
        UPDATE foodorder.dish x SET hot = true WHERE x.id OPERATOR(pg_catalog.=) d.id;
        PERFORM foodorder.settle_hot_stock(ARRAY[d.id], ARRAY[0], ARRAY[0]);
    ELSE
        -- waits for the orders holding a slot; their portions stay taken
        BEGIN
            PERFORM foodorder.lock_hot_slots(d.id);
        EXCEPTION WHEN lock_not_available THEN
            RAISE EXCEPTION 'timed out waiting for dish %', d.id
                USING ERRCODE = '55P03',
                      DETAIL = pg_catalog.format('It waited %s, as long as foodorder.lock_wait_timeout '
                                                 'or the caller''s shorter lock_timeout allows; '
                                                 'nothing was written.',
                                                 pg_catalog.current_setting('lock_timeout')),
                      HINT = 'Retry the call.';
        END;
        WITH gone AS (
            DELETE FROM foodorder.dish_slot s WHERE s.dish_id OPERATOR(pg_catalog.=) d.id
            RETURNING s.stock, s.sold
        )
        UPDATE foodorder.dish x
           SET stock = x.stock + g.stock, sold = x.sold + g.sold, hot = false
          FROM (SELECT sum(gone.stock)::integer AS stock, sum(gone.sold)::integer AS sold
                  FROM gone) g
         WHERE x.id OPERATOR(pg_catalog.=) d.id;
    END IF;
END
$$;

-- As in 1.2, with the waits for each dish (its row, a hot dish's slots)
-- bounded.  One subtransaction around all its work, not one per dish
-- (more than 64 in a transaction would overflow each backend's cache of
-- subtransactions and slow every snapshot), and open until the end, so
-- that its row locks stay with a transaction id it holds (pg_locks, as
-- pgrowlocks users and test/interrupt look for them) while it writes.
CREATE OR REPLACE FUNCTION foodorder.open_day(restaurant bigint) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    next_id bigint;
    waiting_for bigint;
    d foodorder.dish;
    ids bigint[] := '{}';
    h record;
    n integer;
BEGIN
    PERFORM foodorder.bound_lock_wait();
    PERFORM foodorder.authorize_staff(restaurant);
    IF NOT EXISTS (SELECT FROM foodorder.restaurant r
                    WHERE r.id OPERATOR(pg_catalog.=) restaurant) THEN
        RAISE EXCEPTION 'restaurant % does not exist', restaurant USING ERRCODE = '23503';
    END IF;
    BEGIN
        -- Not a locking loop: plpgsql fetches its rows ten at a time, which
        -- would lock rows of later dishes before a hot dish's slots.
        FOR next_id IN SELECT x.id FROM foodorder.dish x
                        WHERE x.restaurant_id OPERATOR(pg_catalog.=) restaurant
                          AND x.daily_stock IS NOT NULL
                        ORDER BY x.id
        LOOP
            waiting_for := next_id;
            SELECT * INTO d FROM foodorder.dish x WHERE x.id OPERATOR(pg_catalog.=) next_id
               FOR NO KEY UPDATE;
            CONTINUE WHEN d.daily_stock IS NULL;
            IF d.hot THEN
                PERFORM foodorder.lock_hot_slots(d.id);
            END IF;
            ids := ids OPERATOR(pg_catalog.||) d.id;
        END LOOP;
        waiting_for := NULL;

        FOR h IN SELECT m.id, m.stock, m.daily_stock FROM foodorder.menu m
                  WHERE m.id OPERATOR(pg_catalog.=) ANY (ids) AND m.hot
        LOOP
            PERFORM foodorder.settle_hot_stock(ARRAY[h.id], ARRAY[h.daily_stock - h.stock], ARRAY[0]);
            INSERT INTO foodorder.stock_change (dish_id, delta, stock_after, reason, changed_by)
            SELECT h.id, h.daily_stock - h.stock, h.daily_stock, 'open_day',
                   foodorder.calling_role()::text
             WHERE h.daily_stock OPERATOR(pg_catalog.<>) h.stock;
        END LOOP;

        WITH old AS (
            SELECT x.id, x.stock FROM foodorder.dish x
             WHERE x.id OPERATOR(pg_catalog.=) ANY (ids) AND NOT x.hot
        ), upd AS (
            UPDATE foodorder.dish x SET stock = x.daily_stock
              FROM old
             WHERE x.id OPERATOR(pg_catalog.=) old.id
            RETURNING x.id, x.stock, x.stock OPERATOR(pg_catalog.-) old.stock AS delta
        )
        INSERT INTO foodorder.stock_change (dish_id, delta, stock_after, reason, changed_by)
        SELECT upd.id, upd.delta, upd.stock, 'open_day', foodorder.calling_role()::text
          FROM upd
         WHERE upd.delta OPERATOR(pg_catalog.<>) 0;
    EXCEPTION WHEN lock_not_available THEN
        IF waiting_for IS NULL THEN
            RAISE;              -- a wait for something else (a table, say)
        END IF;
        RAISE EXCEPTION 'timed out waiting for dish %', waiting_for
            USING ERRCODE = '55P03',
                  DETAIL = pg_catalog.format('It waited %s, as long as foodorder.lock_wait_timeout '
                                             'or the caller''s shorter lock_timeout allows; '
                                             'nothing was written.',
                                             pg_catalog.current_setting('lock_timeout')),
                  HINT = 'Retry the call.';
    END;
    n := pg_catalog.cardinality(ids);
    RETURN n;
END
$$;
