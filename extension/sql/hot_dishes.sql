-- foodorder: hot dishes (the column dish.hot is in menu.sql).
--
-- The stock of a hot dish lives in its slot rows: an order takes its
-- portions from one slot, skipping slots other orders hold, so orders of
-- the dish run side by side (place_order.c, hot_dish.c).  What needs the
-- whole dish (a line no free slot can serve, restock, open_day, stock
-- given back, set_hot) locks the dish row and then every slot, and spreads
-- the stock evenly over the slots again (settle_hot_stock).
--
-- Lock order, the one rule that keeps all of this free of deadlocks:
-- dishes in ascending id order; within a dish, its row before its slots.
-- An order that takes one slot without waiting holds at most one slot of
-- the dish and waits for at most one, holding nothing else of that dish.

CREATE TABLE foodorder.dish_slot (
    dish_id bigint NOT NULL REFERENCES foodorder.dish (id),
    slot    integer NOT NULL CHECK (slot >= 0),
    stock   integer NOT NULL CHECK (stock >= 0),
    sold    integer NOT NULL CHECK (sold >= 0),
    PRIMARY KEY (dish_id, slot)
);
COMMENT ON TABLE foodorder.dish_slot IS
'The stock of a hot dish, split so that orders need not wait for each other; '
'sold is what orders took from the slot since its stock was last settled';

-- Every dish as place_order sees it: for a hot dish, the row and its slots
-- added up.  Runs as its owner, so readers need no grant on dish_slot.
CREATE VIEW foodorder.menu AS
SELECT d.id, d.restaurant_id, d.name, d.price_cents,
       d.stock OPERATOR(pg_catalog.+) coalesce(s.stock, 0) AS stock,
       d.sold OPERATOR(pg_catalog.+) coalesce(s.sold, 0) AS sold,
       d.on_sale, d.daily_stock, d.hot
  FROM foodorder.dish d
  LEFT JOIN LATERAL (
        SELECT pg_catalog.sum(x.stock)::integer AS stock,
               pg_catalog.sum(x.sold)::integer AS sold
          FROM foodorder.dish_slot x
         WHERE x.dish_id OPERATOR(pg_catalog.=) d.id AND d.hot) s ON true;
COMMENT ON VIEW foodorder.menu IS
'Dishes with the stock and sold place_order enforces, hot or not';

-- Lock a hot dish's slots and return their stock; the caller holds the
-- dish row.  A function of its own, so that in READ COMMITTED its
-- statement takes its snapshot after the caller locked the row: a caller
-- that waited for the row while set_hot(dish) ran sees the slots that
-- set_hot made, where a subquery of the caller's statement would see
-- none.  The slots' order matters little: only whole-dish lockers lock
-- more than one, and the dish row already serialises them.
CREATE FUNCTION foodorder.lock_hot_slots(dish bigint) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    total integer;
BEGIN
    SELECT sum(x.stock)::integer INTO total
      FROM (SELECT s.stock FROM foodorder.dish_slot s
             WHERE s.dish_id OPERATOR(pg_catalog.=) lock_hot_slots.dish
             ORDER BY s.slot FOR NO KEY UPDATE) x;
    RETURN coalesce(total, 0);
END
$$;
REVOKE ALL ON FUNCTION foodorder.lock_hot_slots(bigint) FROM PUBLIC;

-- Add stock_deltas to the stock and sold_deltas to the sold of hot
-- dishes whose rows and slots the caller holds, and spread the stock
-- evenly over the slots again, so that no portion is stranded in a slot
-- too small for an order.  Returns each dish's stock after.
CREATE FUNCTION foodorder.settle_hot_stock(
    dishes bigint[], stock_deltas integer[], sold_deltas integer[])
RETURNS TABLE (dish_id bigint, stock integer)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    WITH total AS (
        SELECT d.id, (d.stock::bigint + sum(s.stock) + r.ds)::integer AS stock,
               (d.sold::bigint + sum(s.sold) + r.dsold)::integer AS sold,
               count(*)::integer AS n
          FROM unnest(dishes, stock_deltas, sold_deltas) AS r(id, ds, dsold)
          JOIN foodorder.dish d ON d.id = r.id
          JOIN foodorder.dish_slot s ON s.dish_id = d.id
         WHERE d.hot
         GROUP BY d.id, d.stock, d.sold, r.ds, r.dsold
    ), slots AS (
        UPDATE foodorder.dish_slot s
           SET stock = t.stock / t.n + (s.slot < t.stock % t.n)::integer, sold = 0
          FROM total t WHERE s.dish_id = t.id
    ), dish AS (
        UPDATE foodorder.dish d SET stock = 0, sold = t.sold
          FROM total t WHERE d.id = t.id
    )
    SELECT t.id, t.stock FROM total t;
END
$$;
REVOKE ALL ON FUNCTION foodorder.settle_hot_stock(bigint[], integer[], integer[]) FROM PUBLIC;

-- The waits are bounded (lock_wait.sql): for the dish row
-- (lock_dish_for_staff) and, making it plain again, for the orders holding
-- its slots.
CREATE FUNCTION foodorder.set_hot(dish bigint, hot boolean DEFAULT true) RETURNS void
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
REVOKE ALL ON FUNCTION foodorder.set_hot(bigint, boolean) FROM PUBLIC;
COMMENT ON FUNCTION foodorder.set_hot(bigint, boolean) IS
'Staff: let orders of a dish run side by side (hot) or take turns on its row again';
