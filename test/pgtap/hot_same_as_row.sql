-- A hot dish answers every call exactly as a dish on its row lock does:
-- the same calls, run once with no dish hot and once (from the same state,
-- after a rollback to a savepoint) with every dish hot, give the same
-- results, errors, SQLSTATEs and details, and leave the same menu, orders,
-- lines, cart and stock history.  Order ids differ between the two runs
-- (sequences are not rolled back), so they are masked.
\ir include/fixture.psql
SELECT plan(5);

INSERT INTO foodorder.dish (name, price_cents, stock) VALUES
    ('Kung Pao chicken', 2800, 2),
    ('Mapo tofu', 1800, 10),
    ('Steamed rice', 200, 100);
INSERT INTO foodorder.customer (name) VALUES ('Li Lei'), ('Han Meimei');
SELECT foodorder.add_restaurant('Noodle bar', 500) \gset
SELECT foodorder.add_dish(2, 'Beef noodles', 2200, 10) \gset
INSERT INTO foodorder.dish (name, price_cents, stock, on_sale)
    VALUES ('Winter melon soup', 900, 10, false);
SELECT foodorder.add_address(2, 'Room 12') \gset
CREATE ROLE foodorder_tap_same_customer NOLOGIN;
SELECT foodorder.grant_customer('foodorder_tap_same_customer', 1) \gset

CREATE TEMP TABLE call (n serial, sql text);
INSERT INTO call (sql) VALUES
    ('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[3])'),
    ('SELECT foodorder.place_order(1, ARRAY[1, 2], ARRAY[1, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[2, 1], ARRAY[1, 2])'),
    ('SELECT foodorder.place_order(1, ARRAY[3, 2, 3], ARRAY[1, 2, 3], pay_method => ''cash'')'),
    ('SELECT foodorder.place_order(1, ARRAY[2, 4], ARRAY[1, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[4, 2], ARRAY[1, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[5], ARRAY[1])'),
    ('SELECT foodorder.place_order(1, ARRAY[2, 5], ARRAY[1, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[2, 999], ARRAY[1, 1])'),
    ('SELECT foodorder.place_order(99, ARRAY[2], ARRAY[1])'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], address => 1)'),
    ('SELECT foodorder.place_order(2, ARRAY[3], ARRAY[2], address => 1)'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[0])'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], pay_method => ''paypal'')'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[2], request_key => ''k1'')'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[2], request_key => ''k1'')'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[3], request_key => ''k1'')'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[8])'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[3])'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1])'),
    ('SELECT foodorder.cancel_order((SELECT max(id) FROM foodorder.orders))'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1])'),
    ('SELECT foodorder.reject_order((SELECT min(id) FROM foodorder.orders WHERE status = ''placed''))'),
    ('SELECT foodorder.restock(1, 5)'),
    ('SELECT foodorder.place_order(1, ARRAY[1, 3], ARRAY[6, 1])'),
    ('SELECT foodorder.place_order(1, ARRAY[1, 3], ARRAY[5, 1])'),
    ('SELECT foodorder.cart_set(1, 3, 2)'),
    ('SELECT foodorder.cart_set(1, 2, 1)'),
    ('SELECT foodorder.place_order_from_cart(1)'),
    ('SELECT foodorder.place_order_from_cart(1)'),
    ('SELECT foodorder.set_daily_stock(2, 4)'),
    ('SELECT foodorder.open_day(1)'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[5])'),
    ('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[4])'),
    ('SET ROLE foodorder_tap_same_customer; SELECT foodorder.place_order(2, ARRAY[3], ARRAY[1])'),
    ('SET ROLE foodorder_tap_same_customer; SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1])'),
    ('SELECT foodorder.expire_orders(''0 seconds'')');

-- Each call's outcome, order ids masked; a failed call rolls back alone.
CREATE FUNCTION pg_temp.run_calls() RETURNS TABLE (n integer, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
    c record;
    result text;
    state text;
    msg text;
    detail text;
BEGIN
    FOR c IN SELECT * FROM call ORDER BY call.n LOOP
        BEGIN
            EXECUTE c.sql INTO result;
            outcome := 'ok: ' || coalesce(result, 'null');
            IF c.sql LIKE '%place_order%' AND result ~ '^\d+$' THEN
                outcome := 'ok: an order';
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                                    detail = PG_EXCEPTION_DETAIL;
            outcome := state || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
        END;
        RESET ROLE;
        n := c.n;
        outcome := regexp_replace(outcome, '[Oo]rder \d+', 'order #', 'g');
        RETURN NEXT;
    END LOOP;
END $$;

-- What the calls left behind, order ids masked by their rank.
CREATE FUNCTION pg_temp.state() RETURNS TABLE (what text, value text)
LANGUAGE sql AS $$
    SELECT 'menu', string_agg(concat_ws(',', id, stock, sold, on_sale, daily_stock), ';' ORDER BY id)
      FROM foodorder.menu
    UNION ALL
    SELECT 'orders', string_agg(concat_ws(',', o.customer_id, o.status, o.pay_method, o.total_count,
                                          o.total_cents, o.delivery_fee_cents), ';' ORDER BY o.id)
      FROM foodorder.orders o
    UNION ALL
    SELECT 'lines', string_agg(concat_ws(',', r.rank, i.dish_id, i.quantity, i.price_cents), ';'
                               ORDER BY r.rank, i.dish_id)
      FROM foodorder.order_item i
      JOIN (SELECT id, rank() OVER (ORDER BY id) FROM foodorder.orders) r ON r.id = i.order_id
    UNION ALL
    SELECT 'cart', string_agg(concat_ws(',', customer_id, dish_id, quantity), ';' ORDER BY customer_id, dish_id)
      FROM foodorder.cart_item
    UNION ALL
    SELECT 'stock history', string_agg(concat_ws(',', s.dish_id, s.delta, s.stock_after, s.reason,
                                                 r.rank), ';' ORDER BY s.id)
      FROM foodorder.stock_change s
      LEFT JOIN (SELECT id, rank() OVER (ORDER BY id) FROM foodorder.orders) r ON r.id = s.order_id
    UNION ALL
    SELECT 'verify', coalesce(string_agg(invariant, ';'), 'nothing') FROM foodorder.verify()
$$;

-- The first run on the dishes' rows, kept in psql variables past the rollback.
SAVEPOINT before_calls;
SELECT string_agg(n || ' ' || outcome, E'\n' ORDER BY n) AS row_outcomes FROM pg_temp.run_calls() \gset
SELECT string_agg(what || ': ' || value, E'\n' ORDER BY what) AS row_state FROM pg_temp.state() \gset
SELECT count(*) AS row_orders FROM foodorder.orders \gset
ROLLBACK TO SAVEPOINT before_calls;

-- The second run with every dish hot.
SELECT count(foodorder.set_hot(id)) AS made_hot FROM foodorder.dish \gset
SELECT is((SELECT count(*)::integer FROM foodorder.dish WHERE NOT hot), 0, 'every dish is hot');
SELECT string_agg(n || ' ' || outcome, E'\n' ORDER BY n) AS hot_outcomes FROM pg_temp.run_calls() \gset
SELECT string_agg(what || ': ' || value, E'\n' ORDER BY what) AS hot_state FROM pg_temp.state() \gset

SELECT cmp_ok(:row_orders::bigint, '>', 10::bigint, 'the calls placed orders');
SELECT isnt(strpos(:'row_outcomes', 'OR001'), 0, 'and were refused some, with OR001');
SELECT is(:'hot_outcomes'::text, :'row_outcomes'::text,
          'every call answers the same with every dish hot: results, SQLSTATEs, messages, details');
SELECT is(:'hot_state'::text, :'row_state'::text,
          'and leaves the same menu, orders, lines, cart and stock history; verify() finds nothing');

SELECT * FROM finish();
ROLLBACK;
