/* foodorder 1.1 -> 1.2: hot dishes, and documented limits on what one
 * call may write.
 *
 * A hot dish keeps its stock in 64 slot rows (foodorder.dish_slot) that
 * orders take with SKIP LOCKED, so orders of one popular dish no longer
 * wait for each other's commit; foodorder.menu shows every dish's stock
 * and sold, hot or not.
 *
 * An order has at most 100 lines and a request key at most 100 characters
 * (checked in C, before any row is locked); a cart at most 100 lines; a
 * name at most 200 characters, an address 500 and its label 50.  Rows
 * written before the update are kept as they are: the limits are checked
 * by the functions that write, not by constraints a restored dump would
 * have to pass.
 *
 * There is no foodorder--1.2.sql: CREATE EXTENSION runs 1.0, then the
 * update scripts, so a fresh and an updated database cannot drift apart.
 */

\echo Use "ALTER EXTENSION foodorder UPDATE TO '1.2'" to load this file. \quit

-- Refuse a text argument longer than max_chars characters (22001, like a
-- varchar(n) column would).  Called by the SECURITY DEFINER functions below.
CREATE FUNCTION foodorder.check_length(argument text, value text, max_chars integer)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.char_length(value) OPERATOR(pg_catalog.>) max_chars THEN
        RAISE EXCEPTION '% may have at most % characters', argument, max_chars
            USING ERRCODE = '22001',
                  DETAIL = format('The %s given has %s.', argument, pg_catalog.char_length(value));
    END IF;
END
$$;
REVOKE ALL ON FUNCTION foodorder.check_length(text, text, integer) FROM PUBLIC;

------------------------------------------------------------------------
-- The functions that write names and addresses, and the cart, with their
-- limits; their privileges and comments are kept from 1.1.
------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION foodorder.add_restaurant(name text, delivery_fee_cents integer DEFAULT 0)
RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM foodorder.check_length('name', name, 200);
    -- 22023 like set_delivery_fee(), not the table's 23514
    IF delivery_fee_cents < 0 THEN
        RAISE EXCEPTION 'delivery fee must not be negative'
            USING ERRCODE = '22023',
                  DETAIL = format('%s cents were given.', delivery_fee_cents);
    END IF;
    INSERT INTO foodorder.restaurant (name, delivery_fee_cents)
    VALUES (add_restaurant.name, add_restaurant.delivery_fee_cents)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

CREATE OR REPLACE FUNCTION foodorder.add_dish(
    restaurant  bigint,
    name        text,
    price_cents integer,
    stock       integer DEFAULT 0,
    daily_stock integer DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id bigint;
BEGIN
    IF restaurant IS NULL OR name IS NULL OR price_cents IS NULL OR stock IS NULL THEN
        RAISE EXCEPTION 'restaurant, name, price_cents and stock must not be null'
            USING ERRCODE = '22004';
    END IF;
    PERFORM foodorder.authorize_staff(restaurant);
    PERFORM foodorder.check_length('name', name, 200);
    IF NOT EXISTS (SELECT FROM foodorder.restaurant r
                    WHERE r.id OPERATOR(pg_catalog.=) restaurant) THEN
        RAISE EXCEPTION 'restaurant % does not exist', restaurant USING ERRCODE = '23503';
    END IF;
    IF price_cents < 0 OR stock < 0 OR daily_stock < 0 THEN
        RAISE EXCEPTION 'price_cents, stock and daily_stock must not be negative'
            USING ERRCODE = '22023',
                  DETAIL = format('price_cents %s, stock %s, daily_stock %s were given.',
                                  price_cents, stock, coalesce(daily_stock::text, 'null'));
    END IF;
    INSERT INTO foodorder.dish (restaurant_id, name, price_cents, stock, daily_stock)
    VALUES (restaurant, add_dish.name, add_dish.price_cents, add_dish.stock,
            add_dish.daily_stock)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

CREATE OR REPLACE FUNCTION foodorder.add_customer(name text) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id bigint;
BEGIN
    IF NOT foodorder.caller_is_app()
       AND NOT pg_catalog.pg_has_role(foodorder.calling_role(), current_user, 'USAGE') THEN
        RAISE EXCEPTION 'permission denied to add customers'
            USING ERRCODE = '42501',
                  HINT = 'Only roles granted with foodorder.grant_app() add customers.';
    END IF;
    PERFORM foodorder.check_length('name', name, 200);
    INSERT INTO foodorder.customer (name) VALUES (add_customer.name) RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

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
    IF NOT EXISTS (SELECT FROM foodorder.customer c WHERE c.id OPERATOR(pg_catalog.=) customer) THEN
        RAISE EXCEPTION 'customer % does not exist', customer USING ERRCODE = '23503';
    END IF;
    INSERT INTO foodorder.address (customer_id, label, detail)
    VALUES (customer, add_address.label, add_address.detail)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

CREATE OR REPLACE FUNCTION foodorder.cart_set(customer bigint, dish bigint, quantity integer)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d foodorder.dish;
BEGIN
    IF customer IS NULL OR dish IS NULL OR quantity IS NULL THEN
        RAISE EXCEPTION 'customer, dish and quantity must not be null' USING ERRCODE = '22004';
    END IF;
    PERFORM foodorder.authorize_customer(customer);
    IF quantity < 0 THEN
        RAISE EXCEPTION 'quantity must not be negative'
            USING ERRCODE = '22023',
                  DETAIL = format('%s portions of dish %s were given.', quantity, dish),
                  HINT = 'Use 0 to take the dish out of the cart.';
    END IF;
    IF NOT EXISTS (SELECT FROM foodorder.customer c WHERE c.id OPERATOR(pg_catalog.=) customer) THEN
        RAISE EXCEPTION 'customer % does not exist', customer USING ERRCODE = '23503';
    END IF;
    IF quantity OPERATOR(pg_catalog.=) 0 THEN
        DELETE FROM foodorder.cart_item c
         WHERE c.customer_id OPERATOR(pg_catalog.=) customer
           AND c.dish_id OPERATOR(pg_catalog.=) dish;
        RETURN;
    END IF;
    SELECT * INTO d FROM foodorder.dish x WHERE x.id OPERATOR(pg_catalog.=) cart_set.dish;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'dish % does not exist', cart_set.dish USING ERRCODE = '23503';
    END IF;
    IF NOT d.on_sale THEN
        RAISE EXCEPTION 'dish % is not on sale', dish
            USING ERRCODE = 'OR002',
                  DETAIL = format('Dish %s (%s) has been taken off the menu.', dish, d.name);
    END IF;
    -- An order may have at most 100 lines: so may the cart it becomes.  A
    -- new line locks the customer, so two concurrent additions count each
    -- other (the cart order locks cart rows only: no lock cycle).
    IF NOT EXISTS (SELECT FROM foodorder.cart_item c
                    WHERE c.customer_id OPERATOR(pg_catalog.=) customer
                      AND c.dish_id OPERATOR(pg_catalog.=) cart_set.dish) THEN
        PERFORM FROM foodorder.customer c WHERE c.id OPERATOR(pg_catalog.=) customer
            FOR NO KEY UPDATE;
        IF (SELECT count(*) FROM foodorder.cart_item c
             WHERE c.customer_id OPERATOR(pg_catalog.=) customer) OPERATOR(pg_catalog.>=) 100 THEN
            RAISE EXCEPTION 'a cart may have at most 100 lines'
                USING ERRCODE = '54000',
                      DETAIL = format('The cart of customer %s has 100 dishes.', customer),
                      HINT = 'Order what is in it first, or remove a dish.';
        END IF;
    END IF;
    INSERT INTO foodorder.cart_item AS c (customer_id, dish_id, quantity)
    VALUES (customer, dish, quantity)
    ON CONFLICT (customer_id, dish_id) DO UPDATE SET quantity = EXCLUDED.quantity;
END
$$;

------------------------------------------------------------------------
-- Hot dishes
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
------------------------------------------------------------------------

ALTER TABLE foodorder.dish ADD COLUMN hot boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN foodorder.dish.hot IS
'Orders take its portions from foodorder.dish_slot; stock is then 0 here and '
'sold counts up to the last time the slots were settled: read foodorder.menu';

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
SELECT pg_catalog.pg_extension_config_dump('foodorder.dish_slot', '');

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
        PERFORM foodorder.lock_hot_slots(d.id);
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

-- As in 1.1: every dish locked first, in id order, then written.  A hot
-- dish is locked whole (its row, then its slots, before the next dish) and
-- settled at its daily stock.
CREATE OR REPLACE FUNCTION foodorder.open_day(restaurant bigint) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    next_id bigint;
    d foodorder.dish;
    ids bigint[] := '{}';
    h record;
    n integer;
BEGIN
    PERFORM foodorder.authorize_staff(restaurant);
    IF NOT EXISTS (SELECT FROM foodorder.restaurant r
                    WHERE r.id OPERATOR(pg_catalog.=) restaurant) THEN
        RAISE EXCEPTION 'restaurant % does not exist', restaurant USING ERRCODE = '23503';
    END IF;
    -- Not a locking loop: plpgsql fetches its rows ten at a time, which
    -- would lock rows of later dishes before a hot dish's slots.
    FOR next_id IN SELECT x.id FROM foodorder.dish x
                    WHERE x.restaurant_id OPERATOR(pg_catalog.=) restaurant
                      AND x.daily_stock IS NOT NULL
                    ORDER BY x.id
    LOOP
        SELECT * INTO d FROM foodorder.dish x WHERE x.id OPERATOR(pg_catalog.=) next_id
           FOR NO KEY UPDATE;
        CONTINUE WHEN d.daily_stock IS NULL;
        IF d.hot THEN
            PERFORM foodorder.lock_hot_slots(d.id);
        END IF;
        ids := ids OPERATOR(pg_catalog.||) d.id;
    END LOOP;

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
    n := pg_catalog.cardinality(ids);
    RETURN n;
END
$$;

-- As in 1.1, with stock and sold read from foodorder.menu, and one more
-- invariant: a hot dish keeps its stock in its slots, numbered from 0 with
-- no gap; no other dish has any.
CREATE OR REPLACE FUNCTION foodorder.verify()
RETURNS TABLE (invariant text, detail text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'stock is not negative', format('dish %s has stock %s', d.id, d.stock)
      FROM foodorder.menu d WHERE d.stock < 0
    UNION ALL
    SELECT 'sold matches the order lines',
           format('dish %s has sold %s, its lines in live orders add up to %s',
                  d.id, d.sold, coalesce(l.quantity, 0))
      FROM foodorder.menu d
      LEFT JOIN (SELECT i.dish_id, sum(i.quantity) AS quantity
                   FROM foodorder.order_item i
                   JOIN foodorder.orders o ON o.id = i.order_id
                  WHERE o.status NOT IN ('cancelled', 'rejected')
                  GROUP BY i.dish_id) l ON l.dish_id = d.id
     WHERE d.sold IS DISTINCT FROM coalesce(l.quantity, 0)
    UNION ALL
    SELECT 'a hot dish keeps its stock in its slots',
           format('dish %s is %s, has stock %s in its row and slots %s',
                  d.id, CASE WHEN d.hot THEN 'hot' ELSE 'not hot' END, d.stock,
                  coalesce(s.slots, 'none'))
      FROM foodorder.dish d
      LEFT JOIN (SELECT x.dish_id, count(*) AS n, max(x.slot) AS last,
                        format('%s to %s', min(x.slot), max(x.slot)) AS slots
                   FROM foodorder.dish_slot x GROUP BY x.dish_id) s ON s.dish_id = d.id
     WHERE CASE WHEN d.hot
                THEN d.stock <> 0 OR s.n IS NULL OR s.last <> s.n - 1
                ELSE s.n IS NOT NULL END
    UNION ALL
    SELECT 'order totals match the lines',
           format('order %s has total_count %s and total_cents %s, its lines and fee add up to %s and %s',
                  o.id, o.total_count, o.total_cents, coalesce(l.quantity, 0),
                  coalesce(l.cents, 0) + o.delivery_fee_cents)
      FROM foodorder.orders o
      LEFT JOIN (SELECT i.order_id, sum(i.quantity) AS quantity,
                        sum(i.quantity::bigint * i.price_cents) AS cents
                   FROM foodorder.order_item i GROUP BY i.order_id) l ON l.order_id = o.id
     WHERE o.total_count IS DISTINCT FROM coalesce(l.quantity, 0)
        OR o.total_cents IS DISTINCT FROM coalesce(l.cents, 0) + o.delivery_fee_cents
    UNION ALL
    SELECT 'an order has dishes of one restaurant',
           format('order %s of restaurant %s has dish %s of restaurant %s',
                  o.id, o.restaurant_id, d.id, d.restaurant_id)
      FROM foodorder.orders o
      JOIN foodorder.order_item i ON i.order_id = o.id
      JOIN foodorder.dish d ON d.id = i.dish_id
     WHERE d.restaurant_id <> o.restaurant_id
    UNION ALL
    SELECT 'granted roles exist',
           format('%s grant for role oid %s, which was dropped', g.kind, g.role::oid)
      FROM (SELECT 'app' AS kind, role FROM foodorder.app_role
            UNION ALL SELECT 'customer', role FROM foodorder.customer_role
            UNION ALL SELECT 'staff', role FROM foodorder.staff_role) g
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.oid = g.role::oid)
$$;

------------------------------------------------------------------------
-- The C functions that move stock: 1.2's entry points know hot dishes.
-- The library keeps 1.1's, which a database not yet updated still calls.
------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION foodorder.place_order(
    customer    bigint,
    dishes      bigint[],
    quantities  integer[],
    address     bigint DEFAULT NULL,
    pay_method  text DEFAULT NULL,
    request_key text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'place_order_1_2'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;

CREATE OR REPLACE FUNCTION foodorder.place_order_from_cart(
    customer    bigint,
    address     bigint DEFAULT NULL,
    pay_method  text DEFAULT NULL,
    request_key text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'place_order_from_cart_1_2'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;

CREATE OR REPLACE FUNCTION foodorder.reject_order(order_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'reject_order_1_2'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
CREATE OR REPLACE FUNCTION foodorder.cancel_order(order_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'cancel_order_1_2'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
CREATE OR REPLACE FUNCTION foodorder.expire_orders(older_than interval) RETURNS integer
AS 'MODULE_PATHNAME', 'expire_orders_1_2'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
CREATE OR REPLACE FUNCTION foodorder.restock(dish bigint, quantity integer) RETURNS integer
AS 'MODULE_PATHNAME', 'restock_1_2'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

------------------------------------------------------------------------
-- Who may read the menu and make a dish hot
------------------------------------------------------------------------

ALTER FUNCTION foodorder.role_kind_privileges() RENAME TO role_kind_privileges_1_1;
CREATE FUNCTION foodorder.role_kind_privileges()
RETURNS TABLE (kind text, object_type text, object text, privilege text)
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM foodorder.role_kind_privileges_1_1()
    UNION ALL
    VALUES
    ('app', 'TABLE', 'foodorder.menu', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.menu', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.menu', 'SELECT'),
    ('staff', 'FUNCTION', 'foodorder.set_hot(bigint,boolean)', 'EXECUTE')
$$;
REVOKE ALL ON FUNCTION foodorder.role_kind_privileges() FROM PUBLIC;

SELECT foodorder.sync_role_privileges(r.role)
  FROM (SELECT a.role FROM foodorder.app_role a
        UNION SELECT c.role FROM foodorder.customer_role c
        UNION SELECT s.role FROM foodorder.staff_role s) r
 WHERE EXISTS (SELECT FROM pg_catalog.pg_roles x WHERE x.oid OPERATOR(pg_catalog.=) r.role::oid);
