------------------------------------------------------------------------
-- [api] What the router calls here, generated from this database's
-- catalog (1.2.2).  The router names the functions (its routing table);
-- their signatures, results and checks are foodorder's own, read from
-- pg_proc, so an ALTER EXTENSION foodorder UPDATE that changes one is
-- picked up by the router's foodorder_router.sync_api() (set_partitions
-- runs it), which calls sync_calls() and api() here.
------------------------------------------------------------------------

-- Customers and addresses are on every partition, under the id the router
-- drew, so any restaurant's order can check them.  The router writes each
-- to every partition before it returns the id.  The checks are
-- add_customer's and add_address's own: each is called first (who may
-- add, the lengths, the address room, the customer), its row under this
-- node's id undone, and the row written under the router's id.  An id
-- already here is an error, even with the same values: two routers drawing
-- the same ids (or a router restored from an old dump) must not merge two
-- people into one.

-- Runs call (a foodorder.add_* call) for its checks only: its row is
-- undone.  Its insert meeting a row under the router's ids (this node's
-- sequence is not the router's) means every check before it passed.
CREATE FUNCTION foodorder_shard.checks_of(call text, pkey text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    violated text;
BEGIN
    BEGIN
        EXECUTE 'SELECT ' || call;
        RAISE EXCEPTION USING ERRCODE = 'FS000';  -- passed: undo its row
    EXCEPTION
        WHEN SQLSTATE 'FS000' THEN
            NULL;
        WHEN unique_violation THEN
            GET STACKED DIAGNOSTICS violated = CONSTRAINT_NAME;
            IF violated IS DISTINCT FROM pkey THEN
                RAISE;
            END IF;
    END;
END
$$;
REVOKE ALL ON FUNCTION foodorder_shard.checks_of(text, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION foodorder_shard.put_customer(id bigint, name text) RETURNS bigint
LANGUAGE plpgsql STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM foodorder_shard.checks_of(format('foodorder.add_customer(%L)', name), 'customer_pkey');
    INSERT INTO foodorder.customer AS c (id, name) VALUES (put_customer.id, put_customer.name)
    ON CONFLICT ON CONSTRAINT customer_pkey DO NOTHING;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'customer % already exists', id
            USING ERRCODE = '23505',
                  HINT = 'The router''s foodorder_router.customer_id_seq is behind the ids in use.';
    END IF;
    RETURN id;
END
$$;

CREATE OR REPLACE FUNCTION foodorder_shard.put_address(id bigint, customer bigint, detail text, label text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'id must not be null' USING ERRCODE = '22004';
    END IF;
    PERFORM foodorder_shard.checks_of(format('foodorder.add_address(%L::bigint, %L, %L)',
                                             customer, detail, label), 'address_pkey');
    -- the undone call's lock on the customer went with it: counted again
    -- under the lock, so concurrent calls cannot pass the room together
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

-- The function a target ('foodorder.place_order') names: exactly one.
CREATE FUNCTION foodorder_shard.function_of(target text) RETURNS regprocedure
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    found oid[];
BEGIN
    found := ARRAY(SELECT p.oid FROM pg_proc p
                    WHERE p.pronamespace = to_regnamespace(split_part(target, '.', 1))
                      AND p.proname = split_part(target, '.', 2) AND p.prokind = 'f');
    IF cardinality(found) <> 1 THEN
        RAISE EXCEPTION 'the router routes %, which is % function(s) here', target, cardinality(found)
            USING ERRCODE = '42883',
                  HINT = 'The router calls one function by each name: update foodorder and '
                         'foodorder_shard on every node to the versions the router expects.';
    END IF;
    RETURN found[1];
END
$$;

-- Refusals as rows.  PL/Proxy drops and reopens its connection to a
-- partition after every remote error (about 40 ms), so a sold-out rush
-- through the router would reconnect on every refusal.  Each call_<f>
-- runs <f> as the caller and returns its result, or the error's SQLSTATE,
-- message, detail and hint as a row, which the router raises again; the
-- remote call itself succeeds.  The caller's lock_timeout comes along: the
-- router's session settings do not reach the partition.  (Cancels and
-- timeouts are not caught: WHEN OTHERS does not catch them.)  call_<f>
-- has <f>'s arguments as pg_proc has them, then lock_timeout; it runs as
-- the caller: <f> checks its own EXECUTE privilege and the caller's kind,
-- as on a single node.
CREATE FUNCTION foodorder_shard.define_call(target regprocedure) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $def$
DECLARE
    f pg_proc;
    result_type text;
    call text;
    ddl text;
    made text;
BEGIN
    SELECT * INTO STRICT f FROM pg_proc WHERE oid = target;
    result_type := CASE WHEN f.prorettype = 'void'::regtype THEN 'text'
                        ELSE format_type(f.prorettype, NULL) END;
    call := format('%I.%I(%s)', f.pronamespace::regnamespace, f.proname,
                   (SELECT string_agg(quote_ident(n), ', ') FROM unnest(f.proargnames) n));
    made := format('foodorder_shard.%I(%s)', 'call_' || f.proname,
                   concat_ws(', ', (SELECT string_agg(format_type(a, NULL), ', ')
                                      FROM unnest(f.proargtypes::oid[]) a), 'text'));
    ddl := format($f$
        CREATE OR REPLACE FUNCTION foodorder_shard.%I(%s, lock_timeout text,
            OUT result %s, OUT err_code text, OUT err_message text,
            OUT err_detail text, OUT err_hint text)
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $body$
        BEGIN
            PERFORM pg_catalog.set_config('lock_timeout', lock_timeout, true);
            %s
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                    err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
            -- what the refused call wrote is rolled back, but its xid makes
            -- the commit wait for a WAL flush that keeps nothing
            PERFORM pg_catalog.set_config('synchronous_commit', 'off', true);
        END
        $body$ $f$,
        'call_' || f.proname, pg_get_function_identity_arguments(target), result_type,
        CASE WHEN f.prorettype = 'void'::regtype THEN 'PERFORM ' || call || ';'
             ELSE 'result := ' || call || ';' END);
    -- replaced in place while its arguments and result stay (grants kept)
    BEGIN
        EXECUTE ddl;
    EXCEPTION WHEN invalid_function_definition THEN
        PERFORM foodorder_shard.disown(made::regprocedure);
        EXECUTE ddl;
    END;
    -- what only the owner may run, only the owner's roles reach here
    IF f.pronamespace = 'foodorder_shard'::regnamespace
       AND NOT has_function_privilege('public', target, 'EXECUTE') THEN
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', made);
    END IF;
    -- in the extension after its grants: they are its initial privileges,
    -- which pg_dump then leaves out with the function
    PERFORM foodorder_shard.own(made::regprocedure);
END
$def$;

-- A generated function belongs to the extension, as the ones its scripts
-- make: DROP EXTENSION drops it, pg_dump leaves it out (the router's
-- sync_api, which set_partitions runs, makes it again after a restore).
CREATE FUNCTION foodorder_shard.own(f regprocedure) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_depend d
                    WHERE d.classid = 'pg_proc'::regclass AND d.objid = f AND d.deptype = 'e') THEN
        EXECUTE format('ALTER EXTENSION foodorder_shard ADD FUNCTION %s', f);
    END IF;
END
$$;

-- Drops a generated function (out of the extension first).
CREATE FUNCTION foodorder_shard.disown(f regprocedure) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT FROM pg_depend d
                WHERE d.classid = 'pg_proc'::regclass AND d.objid = f AND d.deptype = 'e') THEN
        EXECUTE format('ALTER EXTENSION foodorder_shard DROP FUNCTION %s', f);
    END IF;
    EXECUTE format('DROP FUNCTION %s', f);
END
$$;

-- Makes call_<f> anew for each target the router routes ('foodorder.
-- place_order', 'foodorder_shard.put_customer', ...), from the catalog as
-- it is now, and drops the call_ functions of any other.  Returns how many
-- it made.
CREATE FUNCTION foodorder_shard.sync_calls(targets text[]) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f regprocedure;
    t text;
BEGIN
    -- call_ functions of other targets, or of other arguments, go
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = 'foodorder_shard'::regnamespace AND p.proname LIKE 'call\_%'
                AND p.oid NOT IN (SELECT coalesce(to_regprocedure(format('foodorder_shard.%I(%s)', 'call_' || x.proname,
                                             concat_ws(', ', (SELECT string_agg(format_type(a, NULL), ', ')
                                                                FROM unnest(x.proargtypes::oid[]) a), 'text')))::oid, 0)
                                    FROM unnest(targets) w (target), pg_proc x
                                   WHERE x.oid = foodorder_shard.function_of(w.target)) LOOP
        PERFORM foodorder_shard.disown(f);
    END LOOP;
    FOREACH t IN ARRAY targets LOOP
        PERFORM foodorder_shard.define_call(foodorder_shard.function_of(t));
    END LOOP;
    RETURN cardinality(targets);
END
$$;

-- What the router makes its functions from: for each target, its
-- arguments as CREATE FUNCTION takes them (names, types, defaults), the
-- input arguments' names and types, its result, the columns of a TABLE
-- result, strictness and volatility, as pg_catalog has them; types
-- qualified (search_path is pg_catalog).
CREATE FUNCTION foodorder_shard.api(targets text[])
RETURNS TABLE (partition integer, target text, arguments text, arg_names text[], arg_types text[],
               result text, result_type text, result_columns text, returns_set boolean,
               is_strict boolean, volatility "char")
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (SELECT x.partition FROM foodorder_shard.partition x), t,
           pg_get_function_arguments(p.oid),
           ARRAY(SELECT coalesce(a.name, '') FROM unnest(p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]),
                                                 coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[p.pronargs])))
                                                 WITH ORDINALITY AS a (name, type, mode, i)
                  WHERE a.mode IN ('i', 'b', 'v') ORDER BY a.i),
           ARRAY(SELECT format_type(a.type, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a (type, i)
                  ORDER BY a.i),
           pg_get_function_result(p.oid),
           format_type(p.prorettype, NULL),
           (SELECT string_agg(format('%I %s', a.name, format_type(a.type, NULL)), ', ' ORDER BY a.i)
              FROM unnest(p.proargnames, p.proallargtypes, p.proargmodes) WITH ORDINALITY AS a (name, type, mode, i)
             WHERE a.mode IN ('o', 'b', 't')),
           p.proretset, p.proisstrict, p.provolatile
      FROM unnest(targets) t, pg_proc p
     WHERE p.oid = foodorder_shard.function_of(t)
$$;

REVOKE ALL ON FUNCTION foodorder_shard.function_of(text), foodorder_shard.define_call(regprocedure),
    foodorder_shard.own(regprocedure), foodorder_shard.disown(regprocedure),
    foodorder_shard.sync_calls(text[]), foodorder_shard.api(text[]) FROM PUBLIC;

-- (end of [api])
