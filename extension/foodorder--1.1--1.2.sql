/* foodorder 1.1 -> 1.2: documented limits on what one call may write.
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
