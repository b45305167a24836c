-- foodorder.place_order(): how it is declared (C, SECURITY DEFINER, pinned
-- search_path, no EXECUTE for PUBLIC) and what it returns.
\ir include/fixture.psql
SELECT plan(14);

SELECT has_function('foodorder', 'place_order',
    ARRAY['bigint', 'bigint[]', 'integer[]', 'bigint', 'text', 'text'],
    'place_order(bigint, bigint[], integer[], bigint, text, text) exists');

SELECT is(
    (SELECT count(*)::int FROM pg_catalog.pg_proc
      WHERE proname = 'place_order' AND pronamespace = 'foodorder'::regnamespace),
    1, 'place_order has exactly one overload');

SELECT is(
    pg_catalog.pg_get_function_arguments(
        'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)'::regprocedure),
    'customer bigint, dishes bigint[], quantities integer[], address bigint DEFAULT NULL::bigint, '
    'pay_method text DEFAULT NULL::text, request_key text DEFAULT NULL::text',
    'place_order has the documented argument names and NULL defaults');

SELECT function_returns('foodorder', 'place_order',
    ARRAY['bigint', 'bigint[]', 'integer[]', 'bigint', 'text', 'text'], 'bigint',
    'place_order returns bigint');

SELECT function_lang_is('foodorder', 'place_order',
    ARRAY['bigint', 'bigint[]', 'integer[]', 'bigint', 'text', 'text'], 'c',
    'place_order is LANGUAGE c');

SELECT is_definer('foodorder', 'place_order',
    ARRAY['bigint', 'bigint[]', 'integer[]', 'bigint', 'text', 'text'],
    'place_order is SECURITY DEFINER');

SELECT volatility_is('foodorder', 'place_order',
    ARRAY['bigint', 'bigint[]', 'integer[]', 'bigint', 'text', 'text'], 'volatile',
    'place_order is VOLATILE');

SELECT isnt_strict('foodorder', 'place_order',
    ARRAY['bigint', 'bigint[]', 'integer[]', 'bigint', 'text', 'text'],
    'place_order is not STRICT (NULL arguments raise 22004 instead of returning NULL)');

SELECT is(
    (SELECT proconfig FROM pg_catalog.pg_proc
      WHERE oid = 'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)'::regprocedure),
    ARRAY['search_path=pg_catalog, pg_temp'],
    'proconfig pins search_path=pg_catalog, pg_temp and sets nothing else');

SELECT function_privs_are('foodorder', 'place_order',
    ARRAY['bigint', 'bigint[]', 'integer[]', 'bigint', 'text', 'text'],
    'public', ARRAY[]::text[],
    'PUBLIC has no privilege on place_order');

SELECT ok(
    NOT EXISTS (
        SELECT FROM pg_catalog.pg_proc p,
               LATERAL pg_catalog.aclexplode(
                   coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
         WHERE p.oid = 'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)'::regprocedure
           AND a.grantee = 0),
    'the ACL of place_order has no entry for PUBLIC (not even the default one)');

CREATE ROLE foodorder_tap_nobody NOLOGIN;
SELECT ok(
    NOT pg_catalog.has_function_privilege('foodorder_tap_nobody',
        'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)', 'EXECUTE'),
    'a fresh role cannot EXECUTE place_order');

SELECT is(
    (SELECT p.proowner FROM pg_catalog.pg_proc p
      WHERE p.oid = 'foodorder.place_order(bigint, bigint[], integer[], bigint, text, text)'::regprocedure),
    (SELECT e.extowner FROM pg_catalog.pg_extension e WHERE e.extname = 'foodorder'),
    'place_order is owned by the role that created the extension');

-- It returns the id of the order it wrote.
INSERT INTO foodorder.dish (name, price_cents, stock) VALUES ('Mapo tofu', 1800, 5);
INSERT INTO foodorder.customer (name) VALUES ('Li Lei');
CREATE TEMP TABLE placed AS
SELECT foodorder.place_order(
    (SELECT id FROM foodorder.customer), ARRAY[(SELECT id FROM foodorder.dish)], ARRAY[1]) AS id;
SELECT results_eq(
    'SELECT id FROM placed',
    'SELECT id FROM foodorder.orders',
    'place_order returns the id of the (only) order it wrote');

SELECT * FROM finish();
ROLLBACK;
