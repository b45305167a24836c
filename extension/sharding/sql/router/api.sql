------------------------------------------------------------------------
-- [api] The router's foodorder.* functions, generated from a node's
-- catalog (1.2.2).  1.2 and 1.2.1 listed their signatures here by hand; an
-- ALTER EXTENSION foodorder UPDATE on the nodes that changed one left the
-- router stale.  Now foodorder_router.sync_api() (set_partitions runs it;
-- run it after updating foodorder on the nodes) asks every partition's
-- foodorder_shard to make its call_ functions from its own catalog and to
-- describe the routed functions (pg_proc: names, argument names, types,
-- defaults, results), checks that the partitions agree, and makes each
-- function here with exactly that signature.  What stays here by hand is
-- routing: which functions, and how each finds its partition
-- (foodorder_router.routes()).
------------------------------------------------------------------------

-- The hand-made functions of 1.2 and 1.2.1 go: the clients' foodorder.*
-- (but set_partitions, the router's own) and the PL/Proxy functions that
-- call foodorder's functions or foodorder_shard's call_ functions.
-- sync_api makes them again from the catalog.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure
               FROM pg_catalog.pg_depend d
               JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
               JOIN pg_catalog.pg_proc p ON p.oid = d.objid
              WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.deptype = 'e'
                AND e.extname = 'foodorder_router'
                AND (p.pronamespace = 'foodorder'::regnamespace AND p.proname <> 'set_partitions'
                     OR p.pronamespace = 'foodorder_router'::regnamespace
                        AND p.prolang = (SELECT l.oid FROM pg_catalog.pg_language l WHERE l.lanname = 'plproxy')
                        AND p.prosrc ~ '(foodorder_shard\.call_|\mfoodorder\.)'
                     OR p.oid = 'foodorder_router.expire_orders_everywhere(interval)'::regprocedure)
              ORDER BY p.pronamespace = 'foodorder'::regnamespace DESC LOOP  -- the callers first
        EXECUTE pg_catalog.format('DROP FUNCTION %s', f);
    END LOOP;
END
$$;
DROP TYPE foodorder_router.cart_line;

-- The routing table: each function the router has, by name, and how a
-- call finds its partition.  Its signature and result are the node's.
--   target  the node's function: foodorder.<name>, or foodorder_shard.<name>
--           for the router's own steps (no foodorder.<name> here)
--   kind    one:  on one partition, part (an expression of the arguments)
--                 gives it; through foodorder_shard.call_<name>
--           each: on every partition in turn, the results added up; a
--                 partition that cannot be reached is skipped and reported
--           rows: read on every partition, the rows merged (ordered by
--                 merge); a partition that cannot be reached is reported
--           all, any: PL/Proxy's RUN ON ALL (the rows) or ANY
--           here: done by the router itself, in foodorder_router.here_<name>
--                 with the same arguments
--           shard: foodorder_router.call_<name> (one partition, part first)
--                 and call_all_<name> (every partition), for the router's
--                 own functions
--   owner_only  no EXECUTE for PUBLIC (on one node too, no kind of caller
--           may call it)
-- each, rows and here functions may have steps of their own, by name:
-- each_before, each_after, and the here_ functions below.
CREATE FUNCTION foodorder_router.routes()
RETURNS TABLE (name text, target text, kind text, part text, merge text, owner_only boolean)
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT r.name, r.schema || '.' || r.name, r.kind, r.part, r.merge, r.owner_only
      FROM (VALUES
        ('place_order', 'foodorder', 'one',
         'foodorder_router.key_partition(customer, request_key, foodorder_router.dish_partition(dishes))', NULL, false),
        ('place_order_from_cart', 'foodorder', 'one', 'foodorder_router.cart_partition(customer, request_key)', NULL, false),
        ('cart_set', 'foodorder', 'one', 'foodorder_router.cart_set_partition(customer, dish)', NULL, false),
        ('accept_order', 'foodorder', 'one', 'foodorder_router.partition_of(order_id)', NULL, false),
        ('mark_ready', 'foodorder', 'one', 'foodorder_router.partition_of(order_id)', NULL, false),
        ('complete_order', 'foodorder', 'one', 'foodorder_router.partition_of(order_id)', NULL, false),
        ('cancel_order', 'foodorder', 'one', 'foodorder_router.partition_of(order_id)', NULL, false),
        ('reject_order', 'foodorder', 'one', 'foodorder_router.partition_of(order_id)', NULL, false),
        ('mark_paid', 'foodorder', 'one', 'foodorder_router.partition_of(order_id)', NULL, false),
        ('refund_order', 'foodorder', 'one', 'foodorder_router.partition_of(order_id)', NULL, false),
        ('add_restaurant', 'foodorder', 'one', 'foodorder_router.next_restaurant_partition()', NULL, true),
        ('set_delivery_fee', 'foodorder', 'one', 'foodorder_router.partition_of(restaurant)', NULL, false),
        ('open_day', 'foodorder', 'one', 'foodorder_router.partition_of(restaurant)', NULL, false),
        ('add_dish', 'foodorder', 'one', 'foodorder_router.partition_of(restaurant)', NULL, false),
        ('set_price', 'foodorder', 'one', 'foodorder_router.partition_of(dish)', NULL, false),
        ('restock', 'foodorder', 'one', 'foodorder_router.partition_of(dish)', NULL, false),
        ('set_on_sale', 'foodorder', 'one', 'foodorder_router.partition_of(dish)', NULL, false),
        ('set_daily_stock', 'foodorder', 'one', 'foodorder_router.partition_of(dish)', NULL, false),
        ('set_hot', 'foodorder', 'one', 'foodorder_router.partition_of(dish)', NULL, false),
        ('cart_clear', 'foodorder', 'each', NULL, NULL, false),
        ('expire_orders', 'foodorder', 'each', NULL, NULL, true),
        ('cart', 'foodorder', 'rows', NULL, 'x.dish_id', false),
        ('customer_orders', 'foodorder', 'rows', NULL, 'x.created_at DESC, x.id DESC', false),
        ('caller_restaurants', 'foodorder', 'all', NULL, NULL, false),
        ('caller_is_app', 'foodorder', 'any', NULL, NULL, false),
        ('caller_customer', 'foodorder', 'any', NULL, NULL, false),
        ('calling_role', 'foodorder', 'here', NULL, NULL, false),
        ('add_customer', 'foodorder', 'here', NULL, NULL, false),
        ('add_address', 'foodorder', 'here', NULL, NULL, false),
        ('grant_app', 'foodorder', 'here', NULL, NULL, true),
        ('revoke_app', 'foodorder', 'here', NULL, NULL, true),
        ('grant_customer', 'foodorder', 'here', NULL, NULL, true),
        ('revoke_customer', 'foodorder', 'here', NULL, NULL, true),
        ('grant_staff', 'foodorder', 'here', NULL, NULL, true),
        ('revoke_staff', 'foodorder', 'here', NULL, NULL, true),
        ('verify', 'foodorder', 'here', NULL, NULL, true),
        ('put_customer', 'foodorder_shard', 'shard', NULL, NULL, false),
        ('put_address', 'foodorder_shard', 'shard', NULL, NULL, false),
        ('grant_role', 'foodorder_shard', 'shard', NULL, NULL, true),
        ('revoke_role', 'foodorder_shard', 'shard', NULL, NULL, true)
      ) AS r (name, schema, kind, part, merge, owner_only)
$$;

------------------------------------------------------------------------
-- Steps of their own.

-- cart_set's partition, the dish's, noted before the call (cart_home).
CREATE FUNCTION foodorder_router.cart_set_partition(customer bigint, dish bigint) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM foodorder_router.cart_learn(customer);
    PERFORM foodorder_router.cart_noted(customer, foodorder_router.partition_of(dish));
    RETURN foodorder_router.partition_of(dish);
END
$$;

-- Before an each or rows function runs on the partitions; what it returns
-- reaches each_after.  args: the call's arguments by name.
CREATE FUNCTION foodorder_router.each_before(name text, args jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    CASE name
    WHEN 'cart', 'cart_clear' THEN
        RETURN jsonb_build_object('version', foodorder_router.cart_version((args->>'customer')::bigint));
    WHEN 'expire_orders' THEN
        -- expire_orders, run every minute, also forgets request keys older than a day
        DELETE FROM foodorder_router.request_key k WHERE k.claimed_at < now() - interval '1 day';
    ELSE
        NULL;
    END CASE;
    RETURN NULL;
END
$$;

-- After: what could not be reached, reported (report_unreachable).
CREATE FUNCTION foodorder_router.each_after(name text, args jsonb, state jsonb, answers jsonb,
                                            missing integer[], databases text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    customer bigint := (args->>'customer')::bigint;
BEGIN
    CASE name
    WHEN 'cart' THEN
        PERFORM foodorder_router.report_unreachable(
            format('the cart of customer %s may have more lines, of restaurants on a node that is down', customer),
            foodorder_router.databases_of(
                foodorder_router.cart_seen(customer, (state->>'version')::bigint, missing,
                    ARRAY(SELECT DISTINCT foodorder_router.partition_of((l->>'dish_id')::bigint)
                            FROM jsonb_array_elements(answers) l)),
                missing, databases));
    WHEN 'cart_clear' THEN
        PERFORM foodorder_router.report_unreachable(
            format('the cart of customer %s may keep lines of restaurants on a node that is down', customer),
            foodorder_router.databases_of(
                foodorder_router.cart_seen(customer, (state->>'version')::bigint, missing, '{}'),
                missing, databases));
    WHEN 'customer_orders' THEN
        PERFORM foodorder_router.report_unreachable(
            format('the orders of customer %s at restaurants on a node that is down are not listed', customer),
            databases);
    WHEN 'expire_orders' THEN
        PERFORM foodorder_router.report_unreachable('orders on a node that is down were not expired', databases);
    ELSE
        PERFORM foodorder_router.report_unreachable(format('%s could not reach every partition', name), databases);
    END CASE;
END
$$;

-- Customers and addresses: drawn here, written to every partition
-- (foodorder_shard.put_customer, put_address, which check them with the
-- node's add_customer and add_address) before the id is returned.
CREATE OR REPLACE FUNCTION foodorder_router.write_through(kind text, id bigint, customer bigint,
                                                          value text, label text)
RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lt text := pg_catalog.current_setting('lock_timeout');
    outcomes jsonb;
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF kind = 'customer' THEN
        SELECT jsonb_agg(o) INTO outcomes FROM foodorder_router.call_all_put_customer(id, value, lt) o;
    ELSE
        SELECT jsonb_agg(o) INTO outcomes
          FROM foodorder_router.call_all_put_address(id, customer, value, label, lt) o;
    END IF;
    PERFORM foodorder_router.raise_any(outcomes);
    RETURN id;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                            err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    IF left(err_code, 2) IN ('08', '57', 'XX') THEN
        -- a partition failed, not refused: the others may have the row
        PERFORM foodorder_router.forget_everywhere(kind, id);
    END IF;
    PERFORM foodorder_router.raise_clean(err_code, err_message, err_detail, err_hint);
END
$$;

CREATE FUNCTION foodorder_router.here_add_customer(name text) RETURNS bigint
LANGUAGE plpgsql STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT has_sequence_privilege('foodorder_router.customer_id_seq', 'USAGE') THEN
        RAISE EXCEPTION 'permission denied to add customers'
            USING ERRCODE = '42501',
                  HINT = 'Only roles granted with foodorder.grant_app() add customers.';
    END IF;
    RETURN foodorder_router.write_through('customer', nextval('foodorder_router.customer_id_seq'),
                                          NULL, name, NULL);
END
$$;

CREATE FUNCTION foodorder_router.here_add_address(customer bigint, detail text, label text)
RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT has_sequence_privilege('foodorder_router.address_id_seq', 'USAGE') THEN
        IF customer IS NULL OR detail IS NULL THEN
            RAISE EXCEPTION 'customer and detail must not be null' USING ERRCODE = '22004';
        END IF;
        RAISE EXCEPTION 'permission denied to act for customer %', customer
            USING ERRCODE = '42501',
                  DETAIL = format('Role "%s" is not linked to that customer.', current_user),
                  HINT = 'The extension owner links roles with foodorder.grant_customer() or foodorder.grant_app().';
    END IF;
    RETURN foodorder_router.write_through('address', nextval('foodorder_router.address_id_seq'),
                                          customer, detail, label);
END
$$;

-- The role a partition sees: PL/Proxy logs in as current_user.
CREATE FUNCTION foodorder_router.here_calling_role() RETURNS regrole
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
RETURN current_user::regrole;

-- Roles: granted on every partition (change_role), recorded here (note_role).
CREATE OR REPLACE FUNCTION foodorder_router.change_role(kind text, role name, target bigint, revoking boolean)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    lt text := pg_catalog.current_setting('lock_timeout');
    outcomes jsonb;
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF role IS NOT NULL AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles x WHERE x.rolname = role) THEN
        RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = '42704';
    END IF;
    -- staff: the restaurant's partition first, which knows whether it exists
    IF kind = 'staff' AND NOT revoking THEN
        SELECT jsonb_agg(o) INTO outcomes
          FROM foodorder_router.call_grant_role(foodorder_router.partition_of(target),
                                                kind, role, target, lt) o;
    ELSIF kind = 'staff' THEN
        SELECT jsonb_agg(o) INTO outcomes
          FROM foodorder_router.call_revoke_role(foodorder_router.partition_of(target),
                                                 kind, role, target, lt) o;
    END IF;
    PERFORM foodorder_router.raise_any(outcomes);
    IF kind = 'staff' THEN
        kind := 'reader';
        target := NULL;
    END IF;
    IF NOT revoking THEN
        SELECT jsonb_agg(o) INTO outcomes FROM foodorder_router.call_all_grant_role(kind, role, target, lt) o;
    ELSE
        SELECT jsonb_agg(o) INTO outcomes FROM foodorder_router.call_all_revoke_role(kind, role, target, lt) o;
    END IF;
    PERFORM foodorder_router.raise_any(outcomes);
    IF NOT revoking THEN
        PERFORM foodorder_router.add_reader(role);
    END IF;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                            err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM foodorder_router.raise_clean(err_code, err_message, err_detail, err_hint);
END
$$;

CREATE FUNCTION foodorder_router.here_grant_app(role name) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('app', role, NULL, false);
    SELECT foodorder_router.note_role('app', role, NULL, false);
END;
CREATE FUNCTION foodorder_router.here_revoke_app(role name) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('app', role, NULL, true);
    SELECT foodorder_router.note_role('app', role, NULL, true);
END;
CREATE FUNCTION foodorder_router.here_grant_customer(role name, customer bigint) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('customer', role, customer, false);
    SELECT foodorder_router.note_role('customer', role, customer, false);
END;
CREATE FUNCTION foodorder_router.here_revoke_customer(role name) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('customer', role, NULL, true);
    SELECT foodorder_router.note_role('customer', role, NULL, true);
END;
CREATE FUNCTION foodorder_router.here_grant_staff(role name, restaurant bigint) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('staff', role, restaurant, false);
    SELECT foodorder_router.note_role('staff', role, NULL, false);
END;
CREATE FUNCTION foodorder_router.here_revoke_staff(role name, restaurant bigint) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('staff', role, restaurant, true);
END;

-- verify(): every partition's invariants (each detail names its
-- partition), and what holds across them: the same customers and
-- addresses everywhere, and a partition for every number below the count.
CREATE FUNCTION foodorder_router.here_verify() RETURNS TABLE (invariant text, detail text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    RETURN QUERY
    SELECT v.invariant, v.detail FROM foodorder_router.verify() v
    UNION ALL
    SELECT 'customers and addresses are the same on every partition',
           string_agg(format('partition %s: %s customers, %s addresses',
                             s.partition, s.customers, s.addresses), '; ' ORDER BY s.partition)
      FROM foodorder_router.shared_rows() s
    HAVING count(DISTINCT s.digest) > 1
    UNION ALL
    SELECT 'every partition answers as its own number',
           format('partition %s answered as %s', s.n, s.partition)
      FROM (SELECT x.partition, (row_number() OVER (ORDER BY x.partition) - 1)::integer AS n
              FROM foodorder_router.shared_rows() x) s
     WHERE s.partition IS DISTINCT FROM s.n;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                            err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM foodorder_router.raise_clean(err_code, err_message, err_detail, err_hint);
END
$$;

------------------------------------------------------------------------
-- The generator.

-- What the partitions say of the routed functions (foodorder_shard.api),
-- and the step that makes their call_ functions first.
CREATE FUNCTION foodorder_router.node_api(targets text[])
RETURNS TABLE (partition integer, target text, arguments text, arg_names text[], arg_types text[],
               result text, result_type text, result_columns text, returns_set boolean,
               is_strict boolean, volatility "char")
LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
    CLUSTER 'foodorder';
    RUN ON ALL;
    SELECT * FROM foodorder_shard.api(targets);
$$;
CREATE FUNCTION foodorder_router.node_sync_calls(targets text[]) RETURNS SETOF integer
LANGUAGE plproxy SET search_path = pg_catalog, pg_temp AS $$
    CLUSTER 'foodorder';
    RUN ON ALL;
    SELECT foodorder_shard.sync_calls(targets);
$$;

-- A generated function belongs to the extension (DROP EXTENSION drops it;
-- pg_dump leaves it out, and sync_api makes it again after a restore).
CREATE FUNCTION foodorder_router.own(f regprocedure) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_depend d
                    WHERE d.classid = 'pg_proc'::regclass AND d.objid = f AND d.deptype = 'e') THEN
        EXECUTE format('ALTER EXTENSION foodorder_router ADD FUNCTION %s', f);
    END IF;
END
$$;

CREATE FUNCTION foodorder_router.disown(f regprocedure) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT FROM pg_depend d
                WHERE d.classid = 'pg_proc'::regclass AND d.objid = f AND d.deptype = 'e') THEN
        EXECUTE format('ALTER EXTENSION foodorder_router DROP FUNCTION %s', f);
    END IF;
    EXECUTE format('DROP FUNCTION %s', f);
END
$$;

-- Makes function fn (schema.name) of input types types with ddl (a CREATE
-- OR REPLACE FUNCTION): in place while its arguments and result stay (its
-- grants kept), else anew, with EXECUTE for PUBLIC unless owner_only.
-- Functions of that name with other arguments go.
CREATE FUNCTION foodorder_router.make(fn text, types text, ddl text, owner_only boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    wanted text := format('%s(%s)', fn, types);
    old regprocedure;
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
              WHERE p.pronamespace = to_regnamespace(split_part(fn, '.', 1))
                AND p.proname = split_part(fn, '.', 2)
                AND p.oid <> coalesce(to_regprocedure(wanted)::oid, 0) LOOP
        PERFORM foodorder_router.disown(f);
    END LOOP;
    old := to_regprocedure(wanted);
    BEGIN
        EXECUTE ddl;
    EXCEPTION WHEN invalid_function_definition THEN
        -- another result, argument name or default: made anew
        PERFORM foodorder_router.disown(old);
        old := NULL;
        EXECUTE ddl;
    END;
    IF old IS NULL AND owner_only THEN
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', wanted::regprocedure);
    END IF;
    -- in the extension after its grants: they are its initial privileges,
    -- which pg_dump then leaves out with the function
    PERFORM foodorder_router.own(wanted::regprocedure);
END
$$;

-- The functions of one route r, from what a node says of it (d).
CREATE FUNCTION foodorder_router.make_route(r record, d record) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $gen$
DECLARE
    pin constant text := 'SET search_path = pg_catalog, pg_temp';
    names text := (SELECT string_agg(quote_ident(n), ', ' ORDER BY i)
                     FROM unnest(d.arg_names) WITH ORDINALITY AS a (n, i));
    bare text := (SELECT string_agg(quote_ident(a.n) || ' ' || a.t, ', ' ORDER BY a.i)
                    FROM unnest(d.arg_names, d.arg_types) WITH ORDINALITY AS a (n, t, i));
    types text := array_to_string(d.arg_types, ', ');
    row_type text := CASE WHEN d.result_type = 'void' THEN 'text' ELSE d.result_type END;
    outcome text := 'TABLE (result %s, err_code text, err_message text, err_detail text, err_hint text)';
    strictness text := CASE WHEN d.is_strict THEN 'STRICT' ELSE '' END;
    -- the arguments as a jsonb object, and as literals of a call for on_each
    args_json text := format('pg_catalog.jsonb_build_object(%s)',
                             (SELECT string_agg(format('%L, %I', n, n), ', ' ORDER BY i)
                                FROM unnest(d.arg_names) WITH ORDINALITY AS a (n, i)));
    literals text := (SELECT string_agg(format('pg_catalog.quote_nullable(%I) || %L', a.n, '::' || a.t),
                                        ' || '', '' || ' ORDER BY a.i)
                        FROM unnest(d.arg_names, d.arg_types) WITH ORDINALITY AS a (n, t, i));
    public_fn text := 'foodorder.' || r.name;
    made integer := 0;
BEGIN
    IF r.kind IN ('one', 'each', 'shard') THEN
        -- on one partition, its refusals as rows
        PERFORM foodorder_router.make('foodorder_router.call_' || r.name, concat_ws(', ', 'integer', NULLIF(types, ''), 'text'),
            format($f$CREATE OR REPLACE FUNCTION foodorder_router.%I(part integer, %s lock_timeout text)
                      RETURNS %s LANGUAGE plproxy %s AS $body$
                          CLUSTER 'foodorder';
                          RUN ON part;
                          SELECT * FROM foodorder_shard.%I(%s lock_timeout);
                      $body$ $f$,
                   'call_' || r.name, coalesce(bare || ',', ''), format(outcome, row_type), pin,
                   'call_' || r.name, coalesce(names || ',', '')),
            r.owner_only);
        made := made + 1;
    END IF;
    IF r.kind = 'shard' THEN
        PERFORM foodorder_router.make('foodorder_router.call_all_' || r.name, concat_ws(', ', NULLIF(types, ''), 'text'),
            format($f$CREATE OR REPLACE FUNCTION foodorder_router.%I(%s lock_timeout text)
                      RETURNS %s LANGUAGE plproxy %s AS $body$
                          CLUSTER 'foodorder';
                          RUN ON ALL;
                          SELECT * FROM foodorder_shard.%I(%s lock_timeout);
                      $body$ $f$,
                   'call_all_' || r.name, coalesce(bare || ',', ''), format(outcome, row_type), pin,
                   'call_' || r.name, coalesce(names || ',', '')),
            r.owner_only);
        RETURN made + 1;
    END IF;
    IF r.kind = 'one' THEN
        PERFORM foodorder_router.make(public_fn, types,
            format($f$CREATE OR REPLACE FUNCTION foodorder.%I(%s) RETURNS %s
                      LANGUAGE plpgsql %s %s AS $body$
                      DECLARE
                          r record;
                          err_code text;
                          err_message text;
                          err_detail text;
                          err_hint text;
                      BEGIN
                          BEGIN
                              FOR r IN SELECT * FROM foodorder_router.%I(%s, %s pg_catalog.current_setting('lock_timeout')) LOOP
                                  IF r.err_code IS NOT NULL AND err_code IS NULL THEN
                                      err_code := r.err_code;
                                      err_message := r.err_message;
                                      err_detail := r.err_detail;
                                      err_hint := r.err_hint;
                                  END IF;
                              END LOOP;
                          EXCEPTION WHEN OTHERS THEN
                              GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                                      err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
                              PERFORM foodorder_router.raise_clean(err_code, err_message, err_detail, err_hint);
                          END;
                          IF err_code IS NOT NULL THEN
                              PERFORM foodorder_router.raise_remote(err_code, err_message, err_detail, err_hint);
                          END IF;
                          RETURN %s;
                      END
                      $body$ $f$,
                   r.name, d.arguments, d.result, strictness, pin,
                   'call_' || r.name, r.part, coalesce(names || ',', ''),
                   CASE WHEN d.result_type = 'void' THEN '' ELSE 'r.result' END),
            r.owner_only);
    ELSIF r.kind = 'each' THEN
        PERFORM foodorder_router.make(public_fn, types,
            format($f$CREATE OR REPLACE FUNCTION foodorder.%I(%s) RETURNS %s
                      LANGUAGE plpgsql %s %s AS $body$
                      DECLARE
                          args jsonb := %s;
                          state jsonb;
                          e record;
                      BEGIN
                          state := foodorder_router.each_before(%L, args);
                          SELECT * INTO e FROM foodorder_router.on_each(
                              %L || %s || ', ' || pg_catalog.quote_literal(pg_catalog.current_setting('lock_timeout')) || ')');
                          PERFORM foodorder_router.raise_any(e.answers);
                          PERFORM foodorder_router.each_after(%L, args, state, e.answers, e.missing, e.databases);
                          RETURN (SELECT coalesce(sum((o->>'result')::%s), 0)
                                    FROM pg_catalog.jsonb_array_elements(e.answers) o)::%s;
                      END
                      $body$ $f$,
                   r.name, d.arguments, d.result, strictness, pin, args_json, r.name,
                   format('foodorder_router.%I($1, ', 'call_' || r.name), coalesce(literals, ''''''), r.name,
                   d.result_type, d.result_type),
            r.owner_only);
    ELSIF r.kind = 'rows' THEN
        PERFORM foodorder_router.make('foodorder_router.read_' || r.name, types,
            format($f$CREATE OR REPLACE FUNCTION foodorder_router.%I(%s) RETURNS %s
                      LANGUAGE plproxy %s AS $body$ CLUSTER 'foodorder'; RUN ON ALL; TARGET foodorder.%I; $body$ $f$,
                   'read_' || r.name, coalesce(bare, ''), d.result, pin, r.name),
            r.owner_only);
        PERFORM foodorder_router.make('foodorder_router.read_on_' || r.name, concat_ws(', ', 'integer', NULLIF(types, '')),
            format($f$CREATE OR REPLACE FUNCTION foodorder_router.%I(part integer %s) RETURNS %s
                      LANGUAGE plproxy %s AS $body$
                          CLUSTER 'foodorder';
                          RUN ON part;
                          SELECT * FROM foodorder.%I(%s);
                      $body$ $f$,
                   'read_on_' || r.name, coalesce(', ' || bare, ''), d.result, pin, r.name, coalesce(names, '')),
            r.owner_only);
        PERFORM foodorder_router.make(public_fn, types,
            format($f$CREATE OR REPLACE FUNCTION foodorder.%I(%s) RETURNS %s
                      LANGUAGE plpgsql %s %s AS $body$
                      DECLARE
                          args jsonb := %s;
                          state jsonb;
                          e record;
                          done boolean := false;
                          err_code text;
                          err_message text;
                          err_detail text;
                          err_hint text;
                      BEGIN
                          state := foodorder_router.each_before(%L, args);
                          IF foodorder_router.all_at_once() THEN
                              BEGIN
                                  SELECT coalesce(pg_catalog.jsonb_agg(x), '[]') AS answers, '{}'::integer[] AS missing,
                                         '{}'::text[] AS databases
                                    INTO e FROM foodorder_router.%I(%s) x;
                                  done := true;
                              EXCEPTION WHEN OTHERS THEN
                                  GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                                          err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
                                  IF foodorder_router.unreachable_database(err_code, err_message, err_detail, err_hint) IS NULL THEN
                                      PERFORM foodorder_router.raise_clean(err_code, err_message, err_detail, err_hint);
                                  END IF;
                              END;
                          END IF;
                          IF NOT done THEN
                              SELECT * INTO e FROM foodorder_router.on_each(%L || %s || ')');
                          END IF;
                          PERFORM foodorder_router.each_after(%L, args, state, e.answers, e.missing, e.databases);
                          RETURN QUERY SELECT x.* FROM %s ORDER BY %s;
                      END
                      $body$ $f$,
                   r.name, d.arguments, d.result, strictness, pin, args_json, r.name,
                   'read_' || r.name, coalesce(names, ''),
                   format('foodorder_router.%I($1', 'read_on_' || r.name),
                   coalesce(''', '' || ' || literals, ''''''), r.name,
                   CASE WHEN d.result_columns IS NOT NULL
                        THEN format('pg_catalog.jsonb_to_recordset(e.answers) AS x (%s)', d.result_columns)
                        ELSE format('pg_catalog.jsonb_populate_recordset(NULL::%s, e.answers) x', d.result_type) END,
                   r.merge),
            r.owner_only);
        made := made + 2;
    ELSIF r.kind IN ('all', 'any') THEN
        PERFORM foodorder_router.make('foodorder_router.ask_' || r.name, types,
            format($f$CREATE OR REPLACE FUNCTION foodorder_router.%I(%s) RETURNS %s
                      LANGUAGE plproxy %s AS $body$ CLUSTER 'foodorder'; RUN ON %s; TARGET foodorder.%I; $body$ $f$,
                   'ask_' || r.name, coalesce(bare, ''), d.result, pin, upper(r.kind), r.name),
            r.owner_only);
        PERFORM foodorder_router.make(public_fn, types,
            format($f$CREATE OR REPLACE FUNCTION foodorder.%I(%s) RETURNS %s
                      LANGUAGE sql %s %s %s AS $body$ SELECT %s foodorder_router.%I(%s) $body$ $f$,
                   r.name, d.arguments, d.result,
                   CASE d.volatility WHEN 's' THEN 'STABLE' WHEN 'i' THEN 'IMMUTABLE' ELSE 'VOLATILE' END,
                   strictness, pin, CASE WHEN d.returns_set THEN '* FROM' ELSE '' END, 'ask_' || r.name,
                   coalesce(names, '')),
            r.owner_only);
        made := made + 1;
    ELSIF r.kind = 'here' THEN
        IF to_regprocedure(format('foodorder_router.%I(%s)', 'here_' || r.name, types)) IS NULL THEN
            RAISE EXCEPTION 'foodorder.%(%) of the nodes is done by the router, which has no foodorder_router.here_%(%)',
                            r.name, types, r.name, types
                USING ERRCODE = '42883',
                      HINT = 'The nodes'' foodorder changed this function: update foodorder_router to a version that knows it.';
        END IF;
        PERFORM foodorder_router.make(public_fn, types,
            format($f$CREATE OR REPLACE FUNCTION foodorder.%I(%s) RETURNS %s
                      LANGUAGE sql %s %s AS $body$ SELECT %s foodorder_router.%I(%s) $body$ $f$,
                   r.name, d.arguments, d.result, strictness, pin,
                   CASE WHEN d.returns_set THEN '* FROM' ELSE '' END, 'here_' || r.name, coalesce(names, '')),
            r.owner_only);
    END IF;
    RETURN made + 1;
END
$gen$;

-- Makes the router's functions from the partitions' catalogs: run by
-- set_partitions, and by the owner after ALTER EXTENSION foodorder UPDATE
-- on the nodes (and after restoring a dump of the router).  Every
-- partition must be reachable and describe the same functions.  Returns
-- how many functions it made or kept.
CREATE FUNCTION foodorder_router.sync_api() RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    calls text[] := ARRAY(SELECT r.target FROM foodorder_router.routes() r
                           WHERE r.kind IN ('one', 'each', 'shard') ORDER BY r.name);
    targets text[] := ARRAY(SELECT r.target FROM foodorder_router.routes() r ORDER BY r.name);
    n integer := foodorder_router.partition_count();
    api jsonb;
    differ text;
    r record;
    d record;
    made integer := 0;
BEGIN
    IF n = 0 THEN
        RAISE EXCEPTION 'the router has no partitions yet' USING ERRCODE = '55000',
            HINT = 'Call foodorder.set_partitions() first; it makes the functions.';
    END IF;
    PERFORM foodorder_router.node_sync_calls(calls);
    SELECT pg_catalog.jsonb_agg(x) INTO api FROM foodorder_router.node_api(targets) x;
    -- every partition the same: else some nodes are not updated yet
    SELECT string_agg(DISTINCT a.target, ', ') INTO differ
      FROM (SELECT x.target FROM jsonb_to_recordset(api) AS x (partition integer, target text, arguments text, arg_names text[], arg_types text[], result text, result_type text, result_columns text, returns_set boolean, is_strict boolean, volatility "char")
             GROUP BY x.target
            HAVING count(DISTINCT (x.arguments, x.result, x.is_strict, x.volatility)) > 1
                OR count(DISTINCT x.partition) < (SELECT count(DISTINCT y->>'partition')
                                                    FROM jsonb_array_elements(api) y)) a;
    IF differ IS NOT NULL THEN
        RAISE EXCEPTION 'the partitions differ in %', differ USING ERRCODE = '55000',
            HINT = 'Update foodorder (ALTER EXTENSION foodorder UPDATE) on every node, then run '
                   'foodorder_router.sync_api() again.';
    END IF;
    FOR r IN SELECT * FROM foodorder_router.routes() x ORDER BY x.name LOOP
        SELECT * INTO d FROM jsonb_to_recordset(api) AS x (partition integer, target text, arguments text, arg_names text[], arg_types text[], result text, result_type text, result_columns text, returns_set boolean, is_strict boolean, volatility "char")
         WHERE x.target = r.target LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no partition describes %', r.target USING ERRCODE = '55000';
        END IF;
        made := made + foodorder_router.make_route(r, d);
    END LOOP;
    RETURN made;
END
$$;

-- set_partitions (1.2.1's) then makes the functions.
CREATE OR REPLACE FUNCTION foodorder.set_partitions(conninfos text[]) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n integer := coalesce(pg_catalog.cardinality(conninfos), 0);
    old integer := foodorder_router.partition_count();
    p integer;
    server text;
    options text;
BEGIN
    IF n < 1 OR n > 1024 OR n & (n - 1) <> 0 THEN
        RAISE EXCEPTION 'the number of partitions must be a power of two up to 1024, not %', n
            USING ERRCODE = '22023', HINT = 'Map several partitions onto one node at first.';
    END IF;
    IF n < old THEN
        RAISE EXCEPTION 'partitions cannot be removed: there are %, % given', old, n
            USING ERRCODE = '22023';
    END IF;
    PERFORM foodorder_router.check_conninfos(conninfos);
    FOR p IN 0 .. n - 1 LOOP
        server := 'foodorder_p' || p;
        SELECT string_agg(format('%I %L', split_part(kv, '=', 1), substr(kv, strpos(kv, '=') + 1)), ', ')
          INTO options
          FROM regexp_split_to_table(trim(conninfos[p + 1]), '\s+') kv;
        IF EXISTS (SELECT FROM pg_foreign_server x WHERE x.srvname = server) THEN
            EXECUTE format('DROP SERVER %I CASCADE', server);
        END IF;
        EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (%s)', server, options);
        INSERT INTO foodorder_router.partition VALUES (p, conninfos[p + 1])
        ON CONFLICT (partition) DO UPDATE SET conninfo = EXCLUDED.conninfo;
        PERFORM foodorder_router.attach_reads(p);
    END LOOP;
    PERFORM foodorder_router.point_cluster(old);
    PERFORM foodorder_router.sync_api();
    RETURN n;
END
$$;

REVOKE ALL ON FUNCTION foodorder_router.routes(), foodorder_router.node_api(text[]),
    foodorder_router.node_sync_calls(text[]), foodorder_router.own(regprocedure),
    foodorder_router.disown(regprocedure), foodorder_router.make(text, text, text, boolean),
    foodorder_router.make_route(record, record), foodorder_router.sync_api(),
    foodorder_router.here_grant_app(name), foodorder_router.here_revoke_app(name),
    foodorder_router.here_grant_customer(name, bigint), foodorder_router.here_revoke_customer(name),
    foodorder_router.here_grant_staff(name, bigint), foodorder_router.here_revoke_staff(name, bigint),
    foodorder_router.here_verify() FROM PUBLIC;

-- A deployment that has partitions (an update): its functions made now,
-- from the partitions, which must run foodorder_shard 1.2.2.
DO $$
BEGIN
    IF foodorder_router.partition_count() > 0 THEN
        BEGIN
            PERFORM foodorder_router.sync_api();
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'foodorder_router 1.2.2 could not make its functions from the partitions: %', SQLERRM
                USING ERRCODE = '55000',
                      HINT = 'Update foodorder_shard to 1.2.2 on every node first, while every node is up.';
        END;
    END IF;
END
$$;

-- (end of [api])
