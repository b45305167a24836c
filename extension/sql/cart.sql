-- foodorder: the cart, what a customer means to order next.

CREATE TABLE foodorder.cart_item (
    customer_id bigint NOT NULL REFERENCES foodorder.customer (id),
    dish_id     bigint NOT NULL REFERENCES foodorder.dish (id),
    quantity    integer NOT NULL CHECK (quantity > 0),
    added_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (customer_id, dish_id)
);
COMMENT ON TABLE foodorder.cart_item IS
'What each customer means to order next; foodorder.place_order_from_cart() orders it';

CREATE FUNCTION foodorder.cart_set(customer bigint, dish bigint, quantity integer)
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
REVOKE ALL ON FUNCTION foodorder.cart_set(bigint, bigint, integer) FROM PUBLIC;
COMMENT ON FUNCTION foodorder.cart_set(bigint, bigint, integer) IS
'Set how many portions of a dish are in the customer''s cart (0 removes it)';

CREATE FUNCTION foodorder.cart(customer bigint)
RETURNS TABLE (dish_id bigint, name text, quantity integer, price_cents integer,
               line_cents bigint, on_sale boolean, restaurant_id bigint)
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM foodorder.authorize_customer(customer);
    RETURN QUERY
    SELECT c.dish_id, d.name, c.quantity, d.price_cents,
           c.quantity::bigint OPERATOR(pg_catalog.*) d.price_cents, d.on_sale, d.restaurant_id
      FROM foodorder.cart_item c JOIN foodorder.dish d ON d.id OPERATOR(pg_catalog.=) c.dish_id
     WHERE c.customer_id OPERATOR(pg_catalog.=) cart.customer
     ORDER BY c.dish_id;
END
$$;
REVOKE ALL ON FUNCTION foodorder.cart(bigint) FROM PUBLIC;
COMMENT ON FUNCTION foodorder.cart(bigint) IS
'The customer''s cart at today''s prices, by dish id';

CREATE FUNCTION foodorder.cart_clear(customer bigint) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer;
BEGIN
    PERFORM foodorder.authorize_customer(customer);
    DELETE FROM foodorder.cart_item c WHERE c.customer_id OPERATOR(pg_catalog.=) customer;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION foodorder.cart_clear(bigint) FROM PUBLIC;
COMMENT ON FUNCTION foodorder.cart_clear(bigint) IS
'Empty the customer''s cart; returns how many dishes were in it';
