/* foodorder_shard 1.2 -> 1.2.1: security and availability fixes. */

\echo Use "ALTER EXTENSION foodorder_shard UPDATE TO '1.2.1'" to load this file. \quit

-- put_address counts a customer's addresses with foodorder 1.2.1's
-- check_address_room: update foodorder first.
DO $$
BEGIN
    IF to_regprocedure('foodorder.check_address_room(bigint)') IS NULL THEN
        RAISE EXCEPTION 'foodorder_shard 1.2.1 needs foodorder 1.2.1'
            USING ERRCODE = '55000',
                  HINT = 'Run ALTER EXTENSION foodorder UPDATE first.';
    END IF;
END
$$;

-- A customer's addresses are limited as on one node (add_address): the
-- router writes each address to every partition, and each counts.
CREATE OR REPLACE FUNCTION foodorder_shard.put_address(id bigint, customer bigint, detail text, label text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF id IS NULL OR customer IS NULL OR detail IS NULL THEN
        RAISE EXCEPTION 'customer and detail must not be null' USING ERRCODE = '22004';
    END IF;
    PERFORM foodorder.authorize_customer(customer);
    PERFORM foodorder.check_length('detail', detail, 500);
    PERFORM foodorder.check_length('label', label, 50);
    PERFORM foodorder.check_address_room(customer);
    INSERT INTO foodorder.address AS a (id, customer_id, label, detail)
    VALUES (put_address.id, customer, put_address.label, put_address.detail)
    ON CONFLICT ON CONSTRAINT address_pkey DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'address % already exists', id
            USING ERRCODE = '23505',
                  HINT = 'The router''s foodorder_router.address_id_seq is behind the ids in use.';
    END IF;
    RETURN id;
END
$$;

------------------------------------------------------------------------
-- [pinned] Every function of the extension runs with search_path
-- pg_catalog, pg_temp, whatever the caller's: keep this section last, so
-- that it covers the functions of every section above.
------------------------------------------------------------------------

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure
               FROM pg_catalog.pg_depend d
               JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
               JOIN pg_catalog.pg_proc p ON p.oid = d.objid
              WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e'
                AND e.extname = 'foodorder_shard'
                AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false) LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', f);
    END LOOP;
END
$$;

-- (end of [pinned])
