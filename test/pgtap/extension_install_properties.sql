-- The extension itself: not relocatable, not trusted, and its plain install
-- script refuses to adopt objects planted in schema foodorder beforehand.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION foodorder;
SELECT plan(21);

SELECT is(
    (SELECT extrelocatable FROM pg_catalog.pg_extension WHERE extname = 'foodorder'),
    false, 'foodorder is not relocatable (pg_extension)');
SELECT is(
    (SELECT extnamespace::regnamespace::text FROM pg_catalog.pg_extension WHERE extname = 'foodorder'),
    'foodorder', 'foodorder is installed in schema foodorder');
SELECT results_eq(
    $$SELECT version::text COLLATE "default", trusted, superuser, relocatable, schema::text COLLATE "default"
        FROM pg_catalog.pg_available_extension_versions
       WHERE name = 'foodorder' ORDER BY version$$,
    $$VALUES ('1.0'::text, false, true, false, 'foodorder')$$,
    'pg_available_extension_versions: 1.0 is not trusted, needs a superuser, not relocatable');
SELECT throws_ok(
    'ALTER EXTENSION foodorder SET SCHEMA public',
    '0A000', NULL, 'ALTER EXTENSION foodorder SET SCHEMA is refused');

-- Members: the four tables and place_order belong to the extension.
SELECT set_eq(
    $$SELECT pg_catalog.pg_describe_object(d.classid, d.objid, 0)
        FROM pg_catalog.pg_depend d
       WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass
         AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'foodorder')
         AND d.deptype = 'e'
         AND d.classid IN ('pg_catalog.pg_class'::regclass, 'pg_catalog.pg_proc'::regclass)
         AND (d.classid <> 'pg_catalog.pg_class'::regclass
              OR (SELECT relkind FROM pg_catalog.pg_class WHERE oid = d.objid) = 'r')$$,
    $$VALUES ('table foodorder.dish'), ('table foodorder.customer'), ('table foodorder.orders'),
             ('table foodorder.order_item'),
             ('function foodorder.place_order(bigint,bigint[],integer[],bigint,text,text)')$$,
    'the extension owns exactly its four tables and place_order');

-- pg_dump keeps the data of the tables (pg_extension_config_dump).  The
-- identity sequences behind their ids need the same marking, or a
-- dump/restore restarts them at 1 and the next place_order fails with
-- 23505 on orders_pkey.
SELECT set_eq(
    $$SELECT c::regclass::text FROM pg_catalog.pg_extension e, unnest(e.extconfig) AS c
       WHERE e.extname = 'foodorder'$$,
    $$SELECT t FROM unnest(ARRAY['foodorder.dish', 'foodorder.customer', 'foodorder.orders',
                                 'foodorder.order_item']) AS t
      UNION ALL
      SELECT pg_catalog.pg_get_serial_sequence(t, 'id')
        FROM unnest(ARRAY['foodorder.dish', 'foodorder.customer', 'foodorder.orders']) AS t$$,
    'pg_dump keeps the four tables and the identity sequences of dish, customer, orders');

-- Not trusted: a non-superuser who owns the database and may CREATE in it
-- still cannot install foodorder.
DROP EXTENSION foodorder;
SELECT has_schema('foodorder', 'schema foodorder survives DROP EXTENSION (it was not a member)');
CREATE ROLE foodorder_tap_dbowner NOLOGIN;
DO $$ BEGIN
    EXECUTE format('GRANT CREATE ON DATABASE %I TO foodorder_tap_dbowner', current_database());
END $$;
GRANT CREATE, USAGE ON SCHEMA foodorder TO foodorder_tap_dbowner;
SET ROLE foodorder_tap_dbowner;
SELECT throws_ok(
    'CREATE EXTENSION foodorder',
    '42501', 'permission denied to create extension "foodorder"',
    'a non-superuser cannot CREATE EXTENSION foodorder (not trusted)');
RESET ROLE;
SELECT hasnt_extension('foodorder', 'foodorder was not installed by the non-superuser');

-- A planted foodorder.dish makes CREATE EXTENSION fail instead of adopting it.
SET ROLE foodorder_tap_dbowner;
CREATE TABLE foodorder.dish (id bigint PRIMARY KEY, name text, price_cents numeric, stock int, sold int);
INSERT INTO foodorder.dish VALUES (1, 'planted', 0.5, 1, 0);
RESET ROLE;
SELECT throws_ok(
    'CREATE EXTENSION foodorder',
    '42P07', NULL, 'CREATE EXTENSION foodorder fails when foodorder.dish already exists');
SELECT hasnt_extension('foodorder', 'foodorder is not installed over a planted dish table');
SELECT is(
    (SELECT relowner::regrole::text FROM pg_catalog.pg_class WHERE oid = 'foodorder.dish'::regclass),
    'foodorder_tap_dbowner', 'the planted dish table still belongs to whoever planted it');
SELECT col_type_is('foodorder', 'dish', 'price_cents', 'numeric',
    'the planted dish table is untouched');
SELECT ok(
    NOT EXISTS (SELECT FROM pg_catalog.pg_depend
                 WHERE classid = 'pg_catalog.pg_class'::regclass
                   AND objid = 'foodorder.dish'::regclass AND deptype = 'e'),
    'the planted dish table was not made an extension member');
DROP TABLE foodorder.dish;

-- The same for the other tables.
CREATE TABLE foodorder.orders (id bigint);
SELECT throws_ok(
    'CREATE EXTENSION foodorder',
    '42P07', NULL, 'CREATE EXTENSION foodorder fails when foodorder.orders already exists');
DROP TABLE foodorder.orders;
CREATE TABLE foodorder.order_item (order_id bigint);
SELECT throws_ok(
    'CREATE EXTENSION foodorder',
    '42P07', NULL, 'CREATE EXTENSION foodorder fails when foodorder.order_item already exists');
DROP TABLE foodorder.order_item;

-- A planted place_order with the same signature is not replaced either.
SET ROLE foodorder_tap_dbowner;
CREATE FUNCTION foodorder.place_order(
    customer bigint, dishes bigint[], quantities integer[],
    address bigint DEFAULT NULL, pay_method text DEFAULT NULL, request_key text DEFAULT NULL)
RETURNS bigint LANGUAGE sql AS 'SELECT -1::bigint';
RESET ROLE;
SELECT throws_ok(
    'CREATE EXTENSION foodorder',
    '42723', NULL, 'CREATE EXTENSION foodorder fails when foodorder.place_order already exists');
SELECT hasnt_extension('foodorder', 'foodorder is not installed over a planted place_order');
SELECT is(
    (SELECT proowner::regrole::text FROM pg_catalog.pg_proc
      WHERE oid = 'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)'::regprocedure),
    'foodorder_tap_dbowner', 'the planted place_order is untouched');
DROP FUNCTION foodorder.place_order(bigint, bigint[], integer[], bigint, text, text);

-- With nothing planted the install works again (so the failures above were
-- caused by the planted objects).
SELECT lives_ok('CREATE EXTENSION foodorder', 'CREATE EXTENSION foodorder works once the plants are gone');
SELECT has_extension('foodorder', 'foodorder is installed again');

SELECT * FROM finish();
ROLLBACK;
