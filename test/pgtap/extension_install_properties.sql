-- The extension itself: not relocatable, not trusted, and its plain install
-- scripts (1.0, then the 1.0--1.1 and 1.1--1.2 updates) refuse to adopt objects planted in
-- schema foodorder beforehand.
\ir include/fixture.psql
SELECT plan(30);

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
    $$VALUES ('1.0'::text, false, true, false, 'foodorder'), ('1.1', false, true, false, 'foodorder'),
             ('1.2', false, true, false, 'foodorder'), ('1.2.1', false, true, false, 'foodorder'),
             ('1.3', false, true, false, 'foodorder')$$,
    'pg_available_extension_versions: 1.0, 1.1, 1.2, 1.2.1 and 1.3 are not trusted, need a superuser, not relocatable');
SELECT is(
    (SELECT default_version::text FROM pg_catalog.pg_available_extensions WHERE name = 'foodorder'),
    '1.3', 'the default version is 1.3');
SELECT is(
    (SELECT extversion::text FROM pg_catalog.pg_extension WHERE extname = 'foodorder'),
    '1.3', 'CREATE EXTENSION foodorder installs 1.3');
SELECT results_eq(
    $$SELECT source::text COLLATE "default", target::text COLLATE "default", path
        FROM pg_catalog.pg_extension_update_paths('foodorder')
       WHERE path IS NOT NULL ORDER BY source, target$$,
    $$VALUES ('1.0'::text, '1.1'::text, '1.0--1.1'::text), ('1.0', '1.2', '1.0--1.1--1.2'),
             ('1.0', '1.2.1', '1.0--1.1--1.2--1.2.1'), ('1.0', '1.3', '1.0--1.1--1.2--1.2.1--1.3'),
             ('1.1', '1.2', '1.1--1.2'), ('1.1', '1.2.1', '1.1--1.2--1.2.1'),
             ('1.1', '1.3', '1.1--1.2--1.2.1--1.3'), ('1.2', '1.2.1', '1.2--1.2.1'),
             ('1.2', '1.3', '1.2--1.2.1--1.3'), ('1.2.1', '1.3', '1.2.1--1.3')$$,
    'the update paths: 1.0 -> 1.1 -> 1.2 -> 1.2.1 -> 1.3');
SELECT throws_ok(
    'ALTER EXTENSION foodorder SET SCHEMA public',
    '0A000', NULL, 'ALTER EXTENSION foodorder SET SCHEMA is refused');

-- Members: the fifteen tables and the 48 functions of 1.3 belong to the extension.
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
             ('table foodorder.order_item'), ('table foodorder.restaurant'),
             ('table foodorder.stock_change'), ('table foodorder.address'), ('table foodorder.payment'),
             ('table foodorder.status_change'), ('table foodorder.cart_item'),
             ('table foodorder.app_role'), ('table foodorder.customer_role'),
             ('table foodorder.staff_role'), ('table foodorder.orders_1_0_values'),
             ('table foodorder.dish_slot'),
             ('function foodorder.place_order(bigint,bigint[],integer[],bigint,text,text)'),
             ('function foodorder.place_order_from_cart(bigint,bigint,text,text)'),
             ('function foodorder.calling_role()'),
             ('function foodorder.authorize_customer(bigint)'),
             ('function foodorder.authorize_staff(bigint)'),
             ('function foodorder.caller_is_app()'),
             ('function foodorder.caller_customer()'),
             ('function foodorder.caller_restaurants()'),
             ('function foodorder.accept_order(bigint)'),
             ('function foodorder.reject_order(bigint)'),
             ('function foodorder.mark_ready(bigint)'),
             ('function foodorder.complete_order(bigint)'),
             ('function foodorder.cancel_order(bigint)'),
             ('function foodorder.mark_paid(bigint,bigint,text)'),
             ('function foodorder.refund_order(bigint)'),
             ('function foodorder.expire_orders(interval)'),
             ('function foodorder.restock(bigint,integer)'),
             ('function foodorder.add_restaurant(text,integer)'),
             ('function foodorder.set_delivery_fee(bigint,integer)'),
             ('function foodorder.lock_dish_for_staff(bigint)'),
             ('function foodorder.add_dish(bigint,text,integer,integer,integer)'),
             ('function foodorder.set_price(bigint,integer)'),
             ('function foodorder.set_on_sale(bigint,boolean)'),
             ('function foodorder.set_daily_stock(bigint,integer)'),
             ('function foodorder.open_day(bigint)'),
             ('function foodorder.add_customer(text)'),
             ('function foodorder.add_address(bigint,text,text)'),
             ('function foodorder.cart_set(bigint,bigint,integer)'),
             ('function foodorder.cart(bigint)'),
             ('function foodorder.cart_clear(bigint)'),
             ('function foodorder.customer_orders(bigint)'),
             ('function foodorder.verify()'),
             ('function foodorder.role_kind_privileges()'),
             ('function foodorder.sync_role_privileges(regrole)'),
             ('function foodorder.role_named(name)'),
             ('function foodorder.grant_app(name)'),
             ('function foodorder.revoke_app(name)'),
             ('function foodorder.grant_customer(name,bigint)'),
             ('function foodorder.revoke_customer(name)'),
             ('function foodorder.grant_staff(name,bigint)'),
             ('function foodorder.revoke_staff(name,bigint)'),
             ('function foodorder.check_length(text,text,integer)'),
             ('function foodorder.set_hot(bigint,boolean)'),
             ('function foodorder.lock_hot_slots(bigint)'),
             ('function foodorder.settle_hot_stock(bigint[],integer[],integer[])'),
             ('function foodorder.role_kind_privileges_1_1()'),
             ('function foodorder.check_address_room(bigint)'),
             ('function foodorder.bound_lock_wait()')$$,
    'the extension owns exactly its fifteen tables and 48 functions');

-- pg_dump keeps the data of the tables (pg_extension_config_dump).  The
-- identity sequences behind their ids need the same marking, or a
-- dump/restore restarts them at 1 and the next place_order fails with
-- 23505 on orders_pkey.
SELECT set_eq(
    $$SELECT c::regclass::text FROM pg_catalog.pg_extension e, unnest(e.extconfig) AS c
       WHERE e.extname = 'foodorder'$$,
    $$SELECT 'foodorder.' || t FROM unnest(ARRAY['dish', 'customer', 'orders', 'order_item',
                                 'restaurant', 'stock_change', 'address', 'status_change',
                                 'cart_item', 'app_role', 'customer_role', 'staff_role',
                                 'orders_1_0_values', 'dish_slot', 'payment']) AS t
      UNION ALL
      SELECT pg_catalog.pg_get_serial_sequence('foodorder.' || t, 'id')
        FROM unnest(ARRAY['dish', 'customer', 'orders', 'restaurant', 'stock_change',
                          'address', 'status_change', 'payment']) AS t$$,
    'pg_dump keeps the fifteen tables and the identity sequences of the eight with an id');
-- ... every row, except the default restaurant, which the update script makes.
SELECT results_eq(
    $$SELECT c::regclass::text, w COLLATE "default" FROM pg_catalog.pg_extension e,
             unnest(e.extconfig, e.extcondition) AS x(c, w)
       WHERE e.extname = 'foodorder' AND w <> ''$$,
    $$VALUES ('foodorder.restaurant'::text, 'WHERE id <> 1'::text)$$,
    'pg_dump keeps every row but restaurant 1, which CREATE EXTENSION makes');

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
-- and for a table the 1.0--1.1 update creates: the update refuses too.
CREATE TABLE foodorder.restaurant (id bigint);
SELECT throws_ok(
    'CREATE EXTENSION foodorder',
    '42P07', NULL, 'CREATE EXTENSION foodorder fails when foodorder.restaurant (a 1.1 table) already exists');
DROP TABLE foodorder.restaurant;

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

-- Nor is a planted 1.1 function, such as one that would hand out roles.
SET ROLE foodorder_tap_dbowner;
CREATE FUNCTION foodorder.grant_app(role name) RETURNS void LANGUAGE sql AS 'SELECT';
RESET ROLE;
SELECT throws_ok(
    'CREATE EXTENSION foodorder',
    '42723', NULL, 'CREATE EXTENSION foodorder fails when foodorder.grant_app (a 1.1 function) already exists');
SELECT is(
    (SELECT proowner::regrole::text FROM pg_catalog.pg_proc
      WHERE oid = 'foodorder.grant_app(name)'::regprocedure),
    'foodorder_tap_dbowner', 'the planted grant_app is untouched');
DROP FUNCTION foodorder.grant_app(name);

-- Nor a planted 1.2 function: the 1.1--1.2 update refuses it.
CREATE FUNCTION foodorder.check_length(argument text, value text, max_chars integer)
RETURNS void LANGUAGE sql AS 'SELECT';
SELECT throws_ok(
    'CREATE EXTENSION foodorder',
    '42723', NULL, 'CREATE EXTENSION foodorder fails when foodorder.check_length (a 1.2 function) already exists');
SELECT hasnt_extension('foodorder', 'foodorder is not installed over a planted check_length');
DROP FUNCTION foodorder.check_length(text, text, integer);

-- With nothing planted the install works again (so the failures above were
-- caused by the planted objects).
SELECT lives_ok('CREATE EXTENSION foodorder', 'CREATE EXTENSION foodorder works once the plants are gone');
SELECT has_extension('foodorder', 'foodorder is installed again');

SELECT * FROM finish();
ROLLBACK;
