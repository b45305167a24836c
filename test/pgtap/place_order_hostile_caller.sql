-- A caller's environment does not change what place_order() does: tables
-- planted in pg_temp, functions, aggregates and operators planted in public
-- under the names its statements use, and hostile search_paths.  Planted
-- copies of the 1.1 role tables (app_role, customer_role, staff_role) do not
-- give a customer role the rights of an app or of staff.
--
-- No place_order call happens before the plants: foodorder prepares its
-- SPI plans on first use in a backend, so they are planned with the plants
-- already in place.
\ir include/fixture.psql
SELECT plan(38);

INSERT INTO foodorder.dish (id, name, price_cents, stock) VALUES
    (1, 'Kung Pao chicken', 2800, 2),
    (2, 'Mapo tofu', 1800, 10),
    (3, 'Steamed rice', 200, 100);
INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
INSERT INTO foodorder.address (id, customer_id, detail) VALUES (5, 1, 'Desk 3, Floor 2');
UPDATE foodorder.restaurant SET delivery_fee_cents = 300 WHERE id = 1;

-- The caller: an application role (foodorder.grant_app), plus CREATE on
-- public to plant things.
CREATE ROLE foodorder_tap_hostile NOLOGIN;
SELECT foodorder.grant_app('foodorder_tap_hostile');
GRANT CREATE ON SCHEMA public TO foodorder_tap_hostile;
-- A customer role (customer 2) that plants role tables naming itself.
CREATE ROLE foodorder_tap_hostile_customer NOLOGIN;
SELECT foodorder.grant_customer('foodorder_tap_hostile_customer', 2);

SET ROLE foodorder_tap_hostile;

-- Every planted routine records that it ran, and as whom, then lies.
CREATE TABLE public.hijack_log (what text, run_as text);
GRANT ALL ON public.hijack_log TO PUBLIC;
CREATE FUNCTION public.hijacked(what text) RETURNS void LANGUAGE sql AS
    $$INSERT INTO public.hijack_log VALUES (what, current_user)$$;

-- Tables planted in pg_temp (and public) under the extension's table names.
CREATE TEMP TABLE dish (id bigint, name text, price_cents integer, stock integer, sold integer);
INSERT INTO pg_temp.dish VALUES (1, 'planted', 1, 1000, 0), (2, 'planted', 1, 1000, 0),
                                (3, 'planted', 1, 1000, 0);
CREATE TEMP TABLE customer (id bigint, name text);
INSERT INTO pg_temp.customer VALUES (42, 'planted');
CREATE TEMP TABLE orders (id bigint, customer_id bigint, status text, total_count integer,
                          total_cents bigint, address_id bigint, pay_method text,
                          request_key text, created_at timestamptz);
CREATE TEMP TABLE order_item (order_id bigint, dish_id bigint, quantity integer, price_cents integer);
CREATE TABLE public.dish (LIKE pg_temp.dish);
INSERT INTO public.dish SELECT * FROM pg_temp.dish;
CREATE TABLE public.orders (LIKE pg_temp.orders);
CREATE TABLE public.order_item (LIKE pg_temp.order_item);
CREATE TABLE public.customer (LIKE pg_temp.customer);
INSERT INTO public.customer VALUES (42, 'planted');
-- 1.1 tables: a restaurant with another fee, an address of customer 42,
-- and role tables that make foodorder_tap_hostile_customer app, customer 1
-- and staff of restaurant 1.
CREATE TEMP TABLE restaurant (id bigint, name text, delivery_fee_cents integer);
INSERT INTO pg_temp.restaurant VALUES (1, 'planted', 1);
CREATE TABLE public.restaurant (LIKE pg_temp.restaurant);
INSERT INTO public.restaurant SELECT * FROM pg_temp.restaurant;
CREATE TEMP TABLE address (id bigint, customer_id bigint, label text, detail text);
INSERT INTO pg_temp.address VALUES (5, 42, NULL, 'planted'), (6, 1, NULL, 'planted');
CREATE TEMP TABLE app_role (role regrole, granted_at timestamptz);
INSERT INTO pg_temp.app_role VALUES ('foodorder_tap_hostile_customer', now());
CREATE TEMP TABLE customer_role (role regrole, customer_id bigint, granted_at timestamptz);
INSERT INTO pg_temp.customer_role VALUES ('foodorder_tap_hostile_customer', 1, now());
CREATE TEMP TABLE staff_role (role regrole, restaurant_id bigint, granted_at timestamptz);
INSERT INTO pg_temp.staff_role VALUES ('foodorder_tap_hostile_customer', 1, now());
CREATE TABLE public.app_role (LIKE pg_temp.app_role);
INSERT INTO public.app_role SELECT * FROM pg_temp.app_role;
CREATE TABLE public.customer_role (LIKE pg_temp.customer_role);
INSERT INTO public.customer_role SELECT * FROM pg_temp.customer_role;
GRANT ALL ON pg_temp.app_role, pg_temp.customer_role, pg_temp.staff_role TO PUBLIC;

-- Set-returning functions.
CREATE FUNCTION public.unnest(bigint[]) RETURNS SETOF bigint LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('unnest(bigint[])'); RETURN NEXT 1; END$$;
CREATE FUNCTION public.unnest(bigint[], integer[]) RETURNS TABLE (dish_id bigint, quantity integer)
    LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('unnest(bigint[], integer[])');
            dish_id := 1; quantity := 1; RETURN NEXT; END$$;
CREATE FUNCTION pg_temp.unnest(bigint[]) RETURNS SETOF bigint LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('pg_temp.unnest(bigint[])'); RETURN NEXT 1; END$$;

-- Aggregates: sum(integer), sum(bigint), count(*).
CREATE FUNCTION public.hostile_sum_step(bigint, integer) RETURNS bigint LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('sum(integer)'); RETURN 0; END$$;
CREATE AGGREGATE public.sum(integer) (sfunc = public.hostile_sum_step, stype = bigint, initcond = '0');
CREATE FUNCTION public.hostile_sum8_step(bigint, bigint) RETURNS bigint LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('sum(bigint)'); RETURN 0; END$$;
CREATE AGGREGATE public.sum(bigint) (sfunc = public.hostile_sum8_step, stype = bigint, initcond = '0');
CREATE FUNCTION public.hostile_count_step(bigint) RETURNS bigint LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('count(*)'); RETURN 1000; END$$;
CREATE AGGREGATE public.count(*) (sfunc = public.hostile_count_step, stype = bigint, initcond = '0');

-- Operators: = for bigint (also used by = ANY), >=, -, + for integer, * for bigint/integer.
CREATE FUNCTION public.hostile_eq(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('=(bigint, bigint)'); RETURN true; END$$;
CREATE OPERATOR public.= (leftarg = bigint, rightarg = bigint, function = public.hostile_eq);
CREATE FUNCTION public.hostile_ge(integer, integer) RETURNS boolean LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('>=(integer, integer)'); RETURN true; END$$;
CREATE OPERATOR public.>= (leftarg = integer, rightarg = integer, function = public.hostile_ge);
CREATE FUNCTION public.hostile_minus(integer, integer) RETURNS integer LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('-(integer, integer)'); RETURN $1; END$$;
CREATE OPERATOR public.- (leftarg = integer, rightarg = integer, function = public.hostile_minus);
CREATE FUNCTION public.hostile_plus(integer, integer) RETURNS integer LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('+(integer, integer)'); RETURN $1; END$$;
CREATE OPERATOR public.+ (leftarg = integer, rightarg = integer, function = public.hostile_plus);
CREATE FUNCTION public.hostile_times(bigint, integer) RETURNS bigint LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('*(bigint, integer)'); RETURN 0; END$$;
CREATE OPERATOR public.* (leftarg = bigint, rightarg = integer, function = public.hostile_times);
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql AS
    $$BEGIN PERFORM public.hijacked('now()'); RETURN '2000-01-01'; END$$;

-- Results of the calls.
CREATE TEMP TABLE placed (n int, order_id bigint);
GRANT ALL ON pg_temp.placed TO PUBLIC;

-- Caller search_path public, foodorder: the planted objects come first for
-- every name (a superuser caller would even run them), unqualified names
-- reach the extension's tables only after the plants.
SET LOCAL search_path = public, foodorder;
SELECT lives_ok(
    $$INSERT INTO pg_temp.placed SELECT 1, foodorder.place_order(1, ARRAY[2, 1], ARRAY[3, 1], 5, 'card', 'k1')$$,
    'search_path public, foodorder: place_order works');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[5])',
    'OR001', 'insufficient stock for dish 1', 'search_path public, foodorder: OR001 as usual');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[99], ARRAY[1])',
    '23503', 'dish 99 does not exist', 'search_path public, foodorder: unknown dish 23503 as usual');
SELECT throws_ok('SELECT foodorder.place_order(42, ARRAY[2], ARRAY[1])',
    '23503', 'customer 42 does not exist',
    'search_path public, foodorder: customer 42 planted in public and pg_temp is still unknown');
SELECT throws_ok($$SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1], request_key => 'k1')$$,
    'OR004', NULL, 'search_path public, foodorder: request key reused for other lines OR004 as usual');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[2], ARRAY[1], 6)',
    '23503', 'address 6 is not an address of customer 1',
    'search_path public, foodorder: address 6, planted for customer 1 in pg_temp, is still unknown');
SELECT throws_ok('SELECT foodorder.place_order(42, ARRAY[2], ARRAY[1], 5)',
    '23503', NULL,
    'search_path public, foodorder: address 5 planted for customer 42 does not make customer 42 known');
SELECT is(foodorder.place_order(1, ARRAY[1, 2], ARRAY[1, 3], 5, 'card', 'k1'),
    (SELECT order_id FROM pg_temp.placed WHERE n = 1),
    'search_path public, foodorder: the same call with its key returns the first order id');

-- Caller search_path pg_temp, public: the planted tables shadow the real ones
-- for the caller's own unqualified names.
SET LOCAL search_path = pg_temp, public;
SELECT lives_ok(
    $$INSERT INTO pg_temp.placed SELECT 2, foodorder.place_order(1, ARRAY[3, 3], ARRAY[2, 2])$$,
    'search_path pg_temp, public: place_order works');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1, 1], ARRAY[1, 1])',
    'OR001', NULL, 'search_path pg_temp, public: the same dish twice past its stock is OR001');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[3], ARRAY[0])',
    '22023', NULL, 'search_path pg_temp, public: quantity 0 is 22023');

-- Session search_path left alone, pg_catalog explicitly last.
SET LOCAL search_path = pg_temp, public, foodorder, pg_catalog;
SELECT lives_ok(
    $$INSERT INTO pg_temp.placed SELECT 3, foodorder.place_order(1, ARRAY[1], ARRAY[1], request_key => 'k3')$$,
    'search_path pg_temp, public, foodorder, pg_catalog: place_order works');
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[1], ARRAY[1])',
    'OR001', NULL, 'search_path pg_temp, public, foodorder, pg_catalog: dish 1 is now sold out');
SET LOCAL search_path = pg_catalog, public;
SELECT results_eq(
    'SELECT n FROM pg_temp.placed WHERE order_id IS NOT NULL ORDER BY n',
    'VALUES (1), (2), (3)',
    'every accepted call returned an order id');
RESET ROLE;
RESET search_path;

-- The customer role whose planted role tables say it is app, customer 1
-- and staff of restaurant 1: it is still only customer 2.
SET ROLE foodorder_tap_hostile_customer;
SET LOCAL search_path = pg_temp, public, foodorder, pg_catalog;
SELECT throws_ok('SELECT foodorder.place_order(1, ARRAY[3], ARRAY[1])',
    '42501', 'permission denied to act for customer 1',
    'planted pg_temp/public app_role and customer_role: still may not order for customer 1');
SELECT throws_ok(format('SELECT foodorder.cancel_order(%s)', (SELECT order_id FROM pg_temp.placed WHERE n = 2)),
    '42501', NULL, 'nor cancel an order of customer 1');
SELECT throws_ok(format('SELECT foodorder.accept_order(%s)', (SELECT order_id FROM pg_temp.placed WHERE n = 2)),
    '42501', NULL, 'planted pg_temp.staff_role: still may not accept an order of restaurant 1');
SET LOCAL search_path = pg_catalog, public, pg_temp;
SELECT is((SELECT count(*) FROM foodorder.orders), 0::bigint,
    'and row-level security still shows it none of customer 1''s orders');
RESET ROLE;
RESET search_path;

-- What place_order wrote, read by the superuser.
SET LOCAL search_path = pg_catalog, public;
SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    'VALUES (1::bigint, 0, 2), (2::bigint, 7, 3), (3::bigint, 96, 4)',
    'foodorder.dish: stock and sold changed by exactly the accepted orders');
SELECT results_eq(
    $$SELECT o.id, o.customer_id, o.status, o.total_count, o.total_cents,
             o.address_id, o.pay_method, o.request_key
        FROM foodorder.orders o ORDER BY o.id$$,
    $$SELECT p.order_id, v.customer_id, 'placed'::text, v.total_count, v.total_cents,
             v.address_id, v.pay_method, v.request_key
        FROM pg_temp.placed p
        JOIN (VALUES (1, 1::bigint, 4, 8500::bigint, 5::bigint, 'card'::text, 'k1'::text),
                     (2, 1::bigint, 4, 800::bigint, NULL::bigint, NULL::text, NULL::text),
                     (3, 1::bigint, 1, 2800::bigint, NULL::bigint, NULL::text, 'k3'::text))
             AS v(n, customer_id, total_count, total_cents, address_id, pay_method, request_key)
          ON v.n = p.n
       ORDER BY p.order_id$$,
    'foodorder.orders: the three orders with the right totals (order 1 with the real 300 fee)');
SELECT is((SELECT count(*) FROM foodorder.status_change), 0::bigint,
    'the refused cancel and accept changed no order status');
SELECT results_eq(
    'SELECT p.n, i.dish_id, i.quantity, i.price_cents
       FROM foodorder.order_item i JOIN pg_temp.placed p ON p.order_id = i.order_id
      ORDER BY p.n, i.dish_id',
    'VALUES (1, 1::bigint, 1, 2800), (1, 2::bigint, 3, 1800), (2, 3::bigint, 4, 200),
            (3, 1::bigint, 1, 2800)',
    'foodorder.order_item: one line per dish at the real prices');
SELECT is((SELECT count(*)::int FROM foodorder.order_item), 4, 'foodorder.order_item has no other lines');
SELECT ok((SELECT bool_and(created_at = pg_catalog.now()) FROM foodorder.orders),
    'created_at comes from pg_catalog.now(), not public.now()');

-- Nothing planted ran, and the planted tables are as planted.
SELECT is_empty('SELECT what, run_as FROM public.hijack_log',
    'no planted function, aggregate or operator ran');
SELECT results_eq('SELECT * FROM pg_temp.dish ORDER BY id',
    $$VALUES (1::bigint, 'planted'::text, 1, 1000, 0), (2::bigint, 'planted'::text, 1, 1000, 0),
             (3::bigint, 'planted'::text, 1, 1000, 0)$$,
    'pg_temp.dish is untouched');
SELECT results_eq('SELECT * FROM public.dish ORDER BY id',
    $$VALUES (1::bigint, 'planted'::text, 1, 1000, 0), (2::bigint, 'planted'::text, 1, 1000, 0),
             (3::bigint, 'planted'::text, 1, 1000, 0)$$,
    'public.dish is untouched');
SELECT is_empty('SELECT * FROM pg_temp.orders', 'pg_temp.orders is still empty');
SELECT is_empty('SELECT * FROM pg_temp.order_item', 'pg_temp.order_item is still empty');
SELECT is_empty('SELECT * FROM public.orders', 'public.orders is still empty');
SELECT is_empty('SELECT * FROM public.order_item', 'public.order_item is still empty');
SELECT results_eq('SELECT * FROM pg_temp.customer', $$VALUES (42::bigint, 'planted'::text)$$,
    'pg_temp.customer is untouched');
SELECT results_eq('SELECT * FROM pg_temp.restaurant', $$VALUES (1::bigint, 'planted'::text, 1)$$,
    'pg_temp.restaurant is untouched');
SELECT has_function('public', 'unnest', ARRAY['bigint[]'], 'the planted public.unnest(bigint[]) is still there');
SELECT has_operator('bigint', 'public', '=', 'bigint', 'boolean', 'the planted public.= is still there');
SELECT ok(EXISTS (SELECT FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
                   WHERE p.proname = 'sum' AND p.pronamespace = 'public'::regnamespace),
    'the planted public.sum is still there');

-- The plants were live: the caller's own unqualified statements do reach them.
SET ROLE foodorder_tap_hostile;
SET LOCAL search_path = pg_temp, public;
SELECT is((SELECT count(*) FROM dish WHERE name = 'planted'), 3::bigint,
    'with search_path pg_temp, public, "dish" is the planted table');
SET LOCAL search_path = public, pg_catalog;
DO $$BEGIN PERFORM unnest(ARRAY[1, 2, 3]::bigint[]); PERFORM 1::bigint = 2::bigint; END$$;
RESET ROLE;
SET LOCAL search_path = pg_catalog, public;
SELECT results_eq('SELECT what, run_as FROM public.hijack_log ORDER BY what',
    $$VALUES ('=(bigint, bigint)'::text, 'foodorder_tap_hostile'::text),
             ('unnest(bigint[])', 'foodorder_tap_hostile')$$,
    'with search_path public, pg_catalog the planted unnest and = do run (and are logged)');

SELECT * FROM finish();
ROLLBACK;
