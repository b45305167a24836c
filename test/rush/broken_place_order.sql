-- A place_order that checks the stock it read without locking the dish
-- row, then writes back what it read less the portions: what an app does
-- with a plain SELECT and UPDATE.  Concurrent orders overwrite each
-- other's decrease, so the dish is oversold, and orders that name their
-- dishes in opposite orders can deadlock.  To see the rush test catch it:
--
--   RUSH_MODES=plain RUSH_EXTRA_SQL=test/rush/broken_place_order.sql test/rush/run
--
-- (plain only: this version knows nothing of a hot dish's slots).
CREATE OR REPLACE FUNCTION foodorder.place_order(
    customer bigint, dishes bigint[], quantities integer[], address bigint DEFAULT NULL,
    pay_method text DEFAULT NULL, request_key text DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    o bigint;
    left_now integer;
BEGIN
    FOR i IN 1 .. cardinality(dishes) LOOP
        SELECT stock INTO left_now FROM foodorder.dish WHERE id = dishes[i];
        IF left_now < quantities[i] THEN
            RAISE EXCEPTION 'insufficient stock for dish %', dishes[i] USING ERRCODE = 'OR001',
                DETAIL = format('Not enough portions left: dish %s has %s left, %s requested.',
                                dishes[i], left_now, quantities[i]);
        END IF;
        UPDATE foodorder.dish SET stock = left_now - quantities[i], sold = sold + quantities[i]
         WHERE id = dishes[i];
    END LOOP;
    INSERT INTO foodorder.orders (customer_id, restaurant_id, total_count, total_cents)
    SELECT customer, 1, sum(l.q), sum(l.q * d.price_cents)
      FROM unnest(dishes, quantities) AS l(id, q) JOIN foodorder.dish d ON d.id = l.id
    RETURNING id INTO o;
    INSERT INTO foodorder.order_item (order_id, dish_id, quantity, price_cents)
    SELECT o, l.id, l.q, d.price_cents
      FROM unnest(dishes, quantities) AS l(id, q) JOIN foodorder.dish d ON d.id = l.id;
    RETURN o;
END $$;
