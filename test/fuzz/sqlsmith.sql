-- What sqlsmith may call, for test/fuzz/sqlsmith.  sqlsmith reads the
-- functions it composes queries from with an unqualified "FROM pg_proc";
-- its sessions run with search_path = smith_catalog, pg_catalog, so they
-- read this view instead: the extension's functions, the helpers below
-- (sqlsmith cannot build a bigint[] or integer[] from anything else), and a
-- few harmless built-ins.  Nothing like pg_terminate_backend, pg_sleep,
-- pg_read_file, lo_export or pg_stat_reset can be generated, so even the
-- superuser run cannot hurt the cluster or stall.
CREATE SCHEMA smith_catalog;

CREATE FUNCTION smith_catalog.ids(a bigint, b bigint) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY[a, b] $$;
CREATE FUNCTION smith_catalog.ids(a bigint) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY[a] $$;
CREATE FUNCTION smith_catalog.quantities(a integer, b integer) RETURNS integer[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY[a, b] $$;
CREATE FUNCTION smith_catalog.quantities(a integer) RETURNS integer[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY[a] $$;
-- n elements, n bounded so no single query builds a gigabyte
CREATE FUNCTION smith_catalog.ids_n(first bigint, n integer) RETURNS bigint[]
LANGUAGE sql IMMUTABLE
AS $$ SELECT ARRAY(SELECT first + i FROM generate_series(0, least(n, 200000) - 1) i) $$;
CREATE FUNCTION smith_catalog.quantities_n(q integer, n integer) RETURNS integer[]
LANGUAGE sql IMMUTABLE
AS $$ SELECT array_fill(q, ARRAY[greatest(least(n, 200000), 0)]) $$;

CREATE VIEW smith_catalog.pg_proc AS
SELECT p.*
  FROM pg_catalog.pg_proc p
 WHERE p.pronamespace IN ('foodorder'::regnamespace, 'smith_catalog'::regnamespace)
    OR (p.pronamespace = 'pg_catalog'::regnamespace
        AND p.proname IN ('abs', 'mod', 'length', 'lower', 'upper', 'repeat', 'lpad',
                          'md5', 'now', 'make_interval', 'justify_interval')
        -- sqlsmith mistypes polymorphic functions and void results: most
        -- of its queries would end in 42804 before reaching anything
        AND NOT EXISTS (SELECT FROM unnest(p.proargtypes) t
                         WHERE t::regtype::text LIKE 'any%'));

GRANT USAGE ON SCHEMA smith_catalog TO PUBLIC;
GRANT SELECT ON smith_catalog.pg_proc TO PUBLIC;
