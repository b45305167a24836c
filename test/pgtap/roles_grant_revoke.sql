-- foodorder.grant_app / grant_customer / grant_staff and the revoke
-- functions: after each, a role has exactly the privileges of the kinds it
-- still has (listed here by hand, independently of role_kind_privileges()),
-- USAGE on the schema while it has a kind and none once it has none.
-- Errors for unknown customers, restaurants and roles; only the owner may
-- call them.
\ir include/fixture.psql
SELECT plan(65);

INSERT INTO foodorder.customer (id, name) VALUES (1, 'Li Lei'), (2, 'Han Meimei');
INSERT INTO foodorder.restaurant (id, name) VALUES (2, 'Noodle bar');

CREATE ROLE foodorder_tap_app NOLOGIN;
CREATE ROLE foodorder_tap_customer NOLOGIN;
CREATE ROLE foodorder_tap_staff NOLOGIN;
CREATE ROLE foodorder_tap_both NOLOGIN;     -- app and staff
CREATE ROLE foodorder_tap_plain NOLOGIN;    -- never granted
CREATE ROLE foodorder_tap_byhand NOLOGIN;   -- EXECUTE on the grant functions by hand

-- Every privilege a role has on schema foodorder and everything in it:
-- 'USAGE ON SCHEMA', 'CREATE ON SCHEMA', '<PRIV> ON <table or sequence>',
-- '<PRIV> ON COLUMNS OF <table>' (a column grant not covered by a table
-- grant), 'EXECUTE ON <function>(<argument types>)'.
CREATE FUNCTION pg_temp.privileges_of(r name) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT p || ' ON SCHEMA' FROM unnest(ARRAY['USAGE', 'CREATE']) AS p
     WHERE pg_catalog.has_schema_privilege(r, 'foodorder', p)
    UNION ALL
    SELECT p || ' ON ' || c.relname
      FROM pg_catalog.pg_class c,
           unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
     WHERE c.relnamespace = 'foodorder'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
       AND pg_catalog.has_table_privilege(r, c.oid, p)
    UNION ALL
    SELECT p || ' ON COLUMNS OF ' || c.relname
      FROM pg_catalog.pg_class c, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) AS p
     WHERE c.relnamespace = 'foodorder'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
       AND pg_catalog.has_any_column_privilege(r, c.oid, p)
       AND NOT pg_catalog.has_table_privilege(r, c.oid, p)
    UNION ALL
    SELECT p || ' ON ' || c.relname
      FROM pg_catalog.pg_class c, unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) AS p
     WHERE c.relnamespace = 'foodorder'::regnamespace AND c.relkind = 'S'
       AND pg_catalog.has_sequence_privilege(r, c.oid, p)
    UNION ALL
    SELECT 'EXECUTE ON ' || f.proname || '(' || pg_catalog.oidvectortypes(f.proargtypes) || ')'
      FROM pg_catalog.pg_proc f
     WHERE f.pronamespace = 'foodorder'::regnamespace
       AND pg_catalog.has_function_privilege(r, f.oid, 'EXECUTE')
$$;

-- What each kind may do, from the brief and the README, written out.
CREATE TEMP TABLE kind_privilege (kind text, privilege text);
INSERT INTO kind_privilege
SELECT k, p
  FROM unnest(ARRAY['app', 'customer', 'staff']) AS k,
       unnest(ARRAY['USAGE ON SCHEMA', 'SELECT ON restaurant', 'SELECT ON dish', 'SELECT ON menu',
                    'SELECT ON orders', 'SELECT ON order_item', 'SELECT ON status_change',
                    'SELECT ON address',
                    'EXECUTE ON caller_is_app()', 'EXECUTE ON caller_customer()',
                    'EXECUTE ON caller_restaurants()',
                    'EXECUTE ON cancel_order(bigint)']) AS p;
INSERT INTO kind_privilege
SELECT k, p
  FROM unnest(ARRAY['app', 'customer']) AS k,
       unnest(ARRAY['SELECT ON cart_item',
                    'EXECUTE ON place_order(bigint, bigint[], integer[], bigint, text, text)',
                    'EXECUTE ON place_order_from_cart(bigint, bigint, text, text)',
                    'EXECUTE ON cart_set(bigint, bigint, integer)',
                    'EXECUTE ON cart(bigint)', 'EXECUTE ON cart_clear(bigint)',
                    'EXECUTE ON add_address(bigint, text, text)',
                    'EXECUTE ON customer_orders(bigint)']) AS p;
INSERT INTO kind_privilege
SELECT k, p
  FROM unnest(ARRAY['app', 'staff']) AS k,
       unnest(ARRAY['EXECUTE ON mark_paid(bigint, bigint, text)', 'EXECUTE ON refund_order(bigint)']) AS p;
INSERT INTO kind_privilege
SELECT k, 'SELECT ON payment' FROM unnest(ARRAY['app', 'customer', 'staff']) AS k;
INSERT INTO kind_privilege VALUES
    ('app', 'SELECT ON customer'), ('app', 'EXECUTE ON add_customer(text)'),
    ('staff', 'SELECT ON stock_change'),
    ('staff', 'EXECUTE ON accept_order(bigint)'), ('staff', 'EXECUTE ON reject_order(bigint)'),
    ('staff', 'EXECUTE ON mark_ready(bigint)'), ('staff', 'EXECUTE ON complete_order(bigint)'),
    ('staff', 'EXECUTE ON restock(bigint, integer)'),
    ('staff', 'EXECUTE ON add_dish(bigint, text, integer, integer, integer)'),
    ('staff', 'EXECUTE ON set_price(bigint, integer)'),
    ('staff', 'EXECUTE ON set_on_sale(bigint, boolean)'),
    ('staff', 'EXECUTE ON set_daily_stock(bigint, integer)'),
    ('staff', 'EXECUTE ON open_day(bigint)'),
    ('staff', 'EXECUTE ON set_hot(bigint, boolean)'),
    ('staff', 'EXECUTE ON set_delivery_fee(bigint, integer)');

-- The role tables, as text, for "nothing changed" checks.
CREATE TEMP VIEW role_rows AS
SELECT 'app' AS kind, role::text AS role, NULL::bigint AS id FROM foodorder.app_role
UNION ALL SELECT 'customer', role::text, customer_id FROM foodorder.customer_role
UNION ALL SELECT 'staff', role::text, restaurant_id FROM foodorder.staff_role;

-- Nothing before a grant.
SELECT is_empty($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_plain')$$,
    'a fresh role has no privilege on schema foodorder or anything in it');

-- grant_app
SELECT lives_ok($$SELECT foodorder.grant_app('foodorder_tap_app')$$, 'grant_app works');
SELECT set_eq($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_app')$$,
    $$SELECT privilege FROM kind_privilege WHERE kind = 'app'$$,
    'grant_app: exactly the app privileges (USAGE, SELECT on the read tables, the app functions)');
SELECT results_eq($$SELECT * FROM role_rows ORDER BY 1, 2$$,
    $$VALUES ('app'::text, 'foodorder_tap_app'::text, NULL::bigint)$$,
    'grant_app: one app_role row');
SELECT lives_ok($$SELECT foodorder.grant_app('foodorder_tap_app')$$, 'grant_app again works');
SELECT results_eq($$SELECT * FROM role_rows ORDER BY 1, 2$$,
    $$VALUES ('app'::text, 'foodorder_tap_app'::text, NULL::bigint)$$,
    'grant_app again: still one app_role row');
SELECT set_eq($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_app')$$,
    $$SELECT privilege FROM kind_privilege WHERE kind = 'app'$$,
    'grant_app again: the same privileges');

-- grant_customer, and granting again moves the role to another customer
SELECT lives_ok($$SELECT foodorder.grant_customer('foodorder_tap_customer', 1)$$, 'grant_customer works');
SELECT set_eq($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_customer')$$,
    $$SELECT privilege FROM kind_privilege WHERE kind = 'customer'$$,
    'grant_customer: exactly the customer privileges');
SELECT results_eq($$SELECT * FROM role_rows WHERE kind = 'customer'$$,
    $$VALUES ('customer'::text, 'foodorder_tap_customer'::text, 1::bigint)$$,
    'grant_customer: the role is customer 1');
SELECT lives_ok($$SELECT foodorder.grant_customer('foodorder_tap_customer', 2)$$,
    'grant_customer to another customer works');
SELECT results_eq($$SELECT * FROM role_rows WHERE kind = 'customer'$$,
    $$VALUES ('customer'::text, 'foodorder_tap_customer'::text, 2::bigint)$$,
    'grant_customer again moves the role: it is customer 2 only');

-- grant_staff, of two restaurants
SELECT lives_ok($$SELECT foodorder.grant_staff('foodorder_tap_staff', 1)$$, 'grant_staff works');
SELECT lives_ok($$SELECT foodorder.grant_staff('foodorder_tap_staff', 2)$$,
    'grant_staff of a second restaurant works');
SELECT set_eq($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_staff')$$,
    $$SELECT privilege FROM kind_privilege WHERE kind = 'staff'$$,
    'grant_staff: exactly the staff privileges');
SELECT results_eq($$SELECT * FROM role_rows WHERE kind = 'staff' ORDER BY 3$$,
    $$VALUES ('staff'::text, 'foodorder_tap_staff'::text, 1::bigint),
             ('staff', 'foodorder_tap_staff', 2)$$,
    'grant_staff: staff of restaurants 1 and 2');
SELECT lives_ok($$SELECT foodorder.revoke_staff('foodorder_tap_staff', 2)$$,
    'revoke_staff of one of its two restaurants works');
SELECT set_eq($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_staff')$$,
    $$SELECT privilege FROM kind_privilege WHERE kind = 'staff'$$,
    'staff of one restaurant left: still all staff privileges');
SELECT results_eq($$SELECT * FROM role_rows WHERE kind = 'staff' ORDER BY 3$$,
    $$VALUES ('staff'::text, 'foodorder_tap_staff'::text, 1::bigint)$$,
    'revoke_staff removed only that restaurant');

-- A role that is app and staff: the union; revoking one kind keeps the other's.
SELECT foodorder.grant_app('foodorder_tap_both');
SELECT foodorder.grant_staff('foodorder_tap_both', 2);
SELECT set_eq($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_both')$$,
    $$SELECT privilege FROM kind_privilege WHERE kind IN ('app', 'staff')$$,
    'app and staff: the union of both kinds'' privileges');
SELECT lives_ok($$SELECT foodorder.revoke_app('foodorder_tap_both')$$, 'revoke_app of an app and staff role works');
SELECT set_eq($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_both')$$,
    $$SELECT privilege FROM kind_privilege WHERE kind = 'staff'$$,
    'after revoke_app it has exactly the staff privileges (mark_paid, cancel_order, SELECT on orders kept)');
SELECT ok(NOT pg_catalog.has_function_privilege('foodorder_tap_both',
        'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)', 'EXECUTE')
      AND NOT pg_catalog.has_table_privilege('foodorder_tap_both', 'foodorder.customer', 'SELECT'),
    'and lost what only app has: place_order, SELECT on customer');
SELECT foodorder.grant_app('foodorder_tap_both');
SELECT lives_ok($$SELECT foodorder.revoke_staff('foodorder_tap_both', 2)$$,
    'revoke_staff of an app and staff role works');
SELECT set_eq($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_both')$$,
    $$SELECT privilege FROM kind_privilege WHERE kind = 'app'$$,
    'after revoke_staff it has exactly the app privileges');
SELECT lives_ok($$SELECT foodorder.revoke_app('foodorder_tap_both')$$, 'and revoke_app then works');
SELECT is_empty($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_both')$$,
    'with no kind left it has no privilege at all, not even USAGE on the schema');
-- Revoking a kind the role does not have changes nothing.
SELECT lives_ok($$SELECT foodorder.revoke_customer('foodorder_tap_app')$$,
    'revoke_customer of a role that is no customer works');
SELECT set_eq($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_app')$$,
    $$SELECT privilege FROM kind_privilege WHERE kind = 'app'$$,
    'and leaves its app privileges alone');

-- Revoking each kind leaves nothing.
SELECT lives_ok($$SELECT foodorder.revoke_app('foodorder_tap_app')$$, 'revoke_app works');
SELECT is_empty($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_app')$$,
    'revoke_app leaves no privilege and no USAGE');
SELECT lives_ok($$SELECT foodorder.revoke_customer('foodorder_tap_customer')$$, 'revoke_customer works');
SELECT is_empty($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_customer')$$,
    'revoke_customer leaves no privilege and no USAGE');
SELECT lives_ok($$SELECT foodorder.revoke_staff('foodorder_tap_staff', 1)$$, 'revoke_staff of its last restaurant works');
SELECT is_empty($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_staff')$$,
    'revoke_staff of the last restaurant leaves no privilege and no USAGE');
SELECT is_empty('SELECT * FROM role_rows', 'every role row is gone');

-- Unknown customer, restaurant, role.
SELECT throws_ok($$SELECT foodorder.grant_customer('foodorder_tap_plain', 999)$$,
    '23503', 'customer 999 does not exist', 'grant_customer to an unknown customer: 23503');
SELECT throws_ok($$SELECT foodorder.grant_staff('foodorder_tap_plain', 999)$$,
    '23503', 'restaurant 999 does not exist', 'grant_staff of an unknown restaurant: 23503');
SELECT throws_ok($$SELECT foodorder.grant_app('foodorder_tap_no_such_role')$$,
    '42704', NULL, 'grant_app of an unknown role: 42704');
SELECT throws_ok($$SELECT foodorder.grant_customer('foodorder_tap_no_such_role', 1)$$,
    '42704', NULL, 'grant_customer of an unknown role: 42704');
SELECT throws_ok($$SELECT foodorder.grant_staff('foodorder_tap_no_such_role', 1)$$,
    '42704', NULL, 'grant_staff of an unknown role: 42704');
SELECT throws_ok($$SELECT foodorder.revoke_app('foodorder_tap_no_such_role')$$,
    '42704', NULL, 'revoke_app of an unknown role: 42704');
SELECT throws_ok($$SELECT foodorder.revoke_customer('foodorder_tap_no_such_role')$$,
    '42704', NULL, 'revoke_customer of an unknown role: 42704');
SELECT throws_ok($$SELECT foodorder.revoke_staff('foodorder_tap_no_such_role', 1)$$,
    '42704', NULL, 'revoke_staff of an unknown role: 42704');
SELECT is_empty('SELECT * FROM role_rows', 'the refused grants wrote no role row');
SELECT is_empty($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_plain')$$,
    'and gave the role of the refused grants nothing');

-- The argument is a role name, taken as it is (like has_table_privilege's):
-- a mixed-case name is that role, not its lower-case namesake.
CREATE ROLE "Foodorder_Tap_Mixed" NOLOGIN;
CREATE ROLE foodorder_tap_mixed NOLOGIN;
SELECT lives_ok($$SELECT foodorder.grant_app('Foodorder_Tap_Mixed')$$,
    'grant_app of a mixed-case role name works');
SELECT ok(pg_catalog.has_function_privilege('Foodorder_Tap_Mixed',
        'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)', 'EXECUTE'),
    'grant_app(''Foodorder_Tap_Mixed'') gives role "Foodorder_Tap_Mixed" the app privileges');
SELECT is_empty($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_mixed')$$,
    'and gives its lower-case namesake foodorder_tap_mixed nothing');
DELETE FROM foodorder.app_role;

-- Only the owner grants: not PUBLIC, not the granted roles themselves.
SELECT function_privs_are('foodorder', f, a, 'public', ARRAY[]::text[],
        'PUBLIC may not execute ' || f)
  FROM (VALUES ('grant_app', ARRAY['name']), ('revoke_app', ARRAY['name']),
               ('grant_customer', ARRAY['name', 'bigint']), ('revoke_customer', ARRAY['name']),
               ('grant_staff', ARRAY['name', 'bigint']), ('revoke_staff', ARRAY['name', 'bigint']))
       AS v(f, a)
 ORDER BY f;
SELECT foodorder.grant_app('foodorder_tap_app');
SELECT foodorder.grant_customer('foodorder_tap_customer', 1);
SELECT foodorder.grant_staff('foodorder_tap_staff', 2);
CREATE TEMP TABLE roles_before AS SELECT * FROM role_rows;
SET LOCAL ROLE foodorder_tap_app;
SELECT throws_ok($$SELECT foodorder.grant_staff('foodorder_tap_app', 1)$$,
    '42501', 'permission denied for function grant_staff', 'an app role cannot make itself staff');
SELECT throws_ok($$SELECT foodorder.revoke_customer('foodorder_tap_customer')$$,
    '42501', 'permission denied for function revoke_customer', 'an app role cannot revoke a customer');
RESET ROLE;
SET LOCAL ROLE foodorder_tap_customer;
SELECT throws_ok($$SELECT foodorder.grant_customer('foodorder_tap_customer', 2)$$,
    '42501', 'permission denied for function grant_customer', 'a customer role cannot become another customer');
SELECT throws_ok($$SELECT foodorder.grant_app('foodorder_tap_customer')$$,
    '42501', 'permission denied for function grant_app', 'a customer role cannot make itself app');
RESET ROLE;
SET LOCAL ROLE foodorder_tap_staff;
SELECT throws_ok($$SELECT foodorder.grant_staff('foodorder_tap_staff', 1)$$,
    '42501', 'permission denied for function grant_staff', 'staff of restaurant 2 cannot make itself staff of 1');
SELECT throws_ok($$SELECT foodorder.revoke_app('foodorder_tap_app')$$,
    '42501', 'permission denied for function revoke_app', 'staff cannot revoke an app');
RESET ROLE;
-- EXECUTE granted by hand is not enough either: the grant functions run
-- as their caller, who may not write the role tables.
GRANT USAGE ON SCHEMA foodorder TO foodorder_tap_byhand;
GRANT EXECUTE ON FUNCTION foodorder.grant_app(name), foodorder.grant_staff(name, bigint)
    TO foodorder_tap_byhand;
SET LOCAL ROLE foodorder_tap_byhand;
SELECT throws_ok($$SELECT foodorder.grant_app('foodorder_tap_byhand')$$,
    '42501', NULL, 'with EXECUTE on grant_app by hand a role still cannot make itself app');
SELECT throws_ok($$SELECT foodorder.grant_staff('foodorder_tap_byhand', 1)$$,
    '42501', NULL, 'nor staff');
RESET ROLE;
SELECT results_eq('SELECT * FROM role_rows ORDER BY 1, 2', 'SELECT * FROM roles_before ORDER BY 1, 2',
    'the refused calls changed no role row');
SELECT is_empty($$SELECT * FROM pg_temp.privileges_of('foodorder_tap_byhand')
                  EXCEPT VALUES ('USAGE ON SCHEMA'), ('EXECUTE ON grant_app(name)'),
                                ('EXECUTE ON grant_staff(name, bigint)')$$,
    'and gave the role that tried nothing beyond what was granted by hand');

SELECT * FROM finish();
ROLLBACK;
