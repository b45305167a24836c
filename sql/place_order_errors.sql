-- place_order(): every refusal, its SQLSTATE, and that it writes nothing.
CREATE EXTENSION foodorder;
\set VERBOSITY terse

INSERT INTO foodorder.dish (name, price_cents, stock) VALUES
    ('Kung Pao chicken', 2800, 2),
    ('Mapo tofu', 1800, 10),
    ('Steamed rice', 200, 100);
INSERT INTO foodorder.customer (name) VALUES ('Li Lei'), ('Han Meimei');
SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1], request_key => 'first');
-- Version 1.1: another restaurant, a dish off sale, an address of customer 2.
SELECT foodorder.add_restaurant('Noodle bar', 500);
SELECT foodorder.add_dish(2, 'Beef noodles', 2200, 10);
INSERT INTO foodorder.dish (name, price_cents, stock, on_sale)
    VALUES ('Winter melon soup', 900, 10, false);
SELECT foodorder.add_address(2, 'Room 12');

-- Run a statement; return its SQLSTATE, message and detail instead of failing.
CREATE FUNCTION try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
    state text;
    msg text;
    detail text;
BEGIN
    EXECUTE stmt INTO result;
    RETURN 'ok: ' || result;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL;
    RETURN state || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
END $$;

-- Everything place_order may write, as one value.
CREATE FUNCTION fingerprint() RETURNS text LANGUAGE sql AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(concat_ws(',', id, stock, sold), ';' ORDER BY id) FROM foodorder.dish),
        (SELECT string_agg(concat_ws(',', id, customer_id, total_count, total_cents), ';' ORDER BY id)
           FROM foodorder.orders),
        (SELECT string_agg(concat_ws(',', order_id, dish_id, quantity), ';' ORDER BY order_id, dish_id)
           FROM foodorder.order_item),
        (SELECT string_agg(concat_ws(',', customer_id, dish_id, quantity), ';' ORDER BY customer_id, dish_id)
           FROM foodorder.cart_item),
        (SELECT count(*) FROM foodorder.stock_change),
        (SELECT count(*) FROM foodorder.status_change)))
$$;
SELECT fingerprint() AS before \gset

CREATE TEMP TABLE refusal (n serial, stmt text);
INSERT INTO refusal (stmt) VALUES
    -- 22004: NULL arguments and NULL elements
    ('SELECT foodorder.place_order(NULL, ARRAY[1], ARRAY[1])'),
    ('SELECT foodorder.place_order(1, NULL, ARRAY[1])'),
    ('SELECT foodorder.place_order(1, ARRAY[1], NULL)'),
    ('SELECT foodorder.place_order(1, ARRAY[1, NULL], ARRAY[1, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[1, 2], ARRAY[1, NULL])'),
    -- 22023: malformed arrays, bad quantities, overflow
    ('SELECT foodorder.place_order(1, ARRAY[]::bigint[], ARRAY[]::integer[])'),
    ('SELECT foodorder.place_order(1, ARRAY[[1, 2]], ARRAY[[1, 1]])'),
    ('SELECT foodorder.place_order(1, ARRAY[1, 2], ARRAY[[1, 1]])'),
    ('SELECT foodorder.place_order(1, ARRAY[1, 2], ARRAY[1])'),
    ('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[0])'),
    ('SELECT foodorder.place_order(1, ARRAY[2, 1], ARRAY[1, -1])'),
    ('SELECT foodorder.place_order(1, ARRAY[1, 1], ARRAY[2147483647, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[1, 2], ARRAY[2147483647, 1])'),
    -- 23503: unknown customer or dish
    ('SELECT foodorder.place_order(42, ARRAY[1], ARRAY[1])'),
    ('SELECT foodorder.place_order(1, ARRAY[2, 99], ARRAY[1, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[9223372036854775807], ARRAY[1])'),
    ('SELECT foodorder.place_order(1, ARRAY[-1], ARRAY[1])'),
    -- OR001: not enough stock, also when a dish named twice adds up past it
    ('SELECT foodorder.place_order(1, ARRAY[2, 1], ARRAY[1, 3])'),
    ('SELECT foodorder.place_order(1, ARRAY[1, 2, 1], ARRAY[1, 1, 2])'),
    ('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[2147483647])'),
    -- OR004: a request key used before, for other dishes or quantities
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], request_key => ''first'')'),
    ('SELECT foodorder.place_order(1, ARRAY[3], ARRAY[2], request_key => ''first'')'),
    -- 22023: dishes of two restaurants; a pay method not in the set
    ('SELECT foodorder.place_order(1, ARRAY[2, 4], ARRAY[1, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], pay_method => ''paypal'')'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], pay_method => ''WeChat'')'),
    -- OR002: a dish off sale, named in the detail
    ('SELECT foodorder.place_order(1, ARRAY[2, 5], ARRAY[1, 1])'),
    -- 23503: an address that is not the customer's, or no address at all
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], address => 1)'),
    ('SELECT foodorder.place_order(2, ARRAY[2], ARRAY[1], address => 99)'),
    -- 22023: an empty cart; 23503: a cart order for an unknown customer
    ('SELECT foodorder.place_order_from_cart(1)'),
    ('SELECT foodorder.place_order_from_cart(42)');

SELECT n, try(stmt), fingerprint() = :'before' AS nothing_written
  FROM refusal ORDER BY n;

-- The first failing dish in ascending id order is the one reported.
SELECT try('SELECT foodorder.place_order(1, ARRAY[99, 1], ARRAY[1, 5])');
SELECT try('SELECT foodorder.place_order(1, ARRAY[98, 1, 97], ARRAY[1, 1, 1])');

-- The unknown customer is reported before anything about the dishes.
SELECT try('SELECT foodorder.place_order(42, ARRAY[99], ARRAY[1])');

-- A refused order inside a transaction leaves it usable after ROLLBACK TO.
BEGIN;
SAVEPOINT s;
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[3]);
ROLLBACK TO s;
SELECT foodorder.place_order(1, ARRAY[1], ARRAY[2]);
COMMIT;
SELECT id, stock, sold FROM foodorder.dish ORDER BY id;
-- Refused orders wrote no order (their ids may have been drawn).
SELECT id, total_count FROM foodorder.orders ORDER BY id;

-- A sold-out dish stays refused.
SELECT try('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])');

DROP EXTENSION foodorder;
