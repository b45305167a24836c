/* foodorder_router 1.2 -> 1.2.1: security and availability fixes.
 *
 * set_partitions() is split into the steps below, so that how the router
 * reaches the partitions for calls (the PL/Proxy cluster) and for reads
 * (the foreign tables) can each change on its own.
 */

\echo Use "ALTER EXTENSION foodorder_router UPDATE TO '1.2.1'" to load this file. \quit

------------------------------------------------------------------------
-- [cluster] How PL/Proxy reaches the partitions for calls.
------------------------------------------------------------------------

-- Points PL/Proxy's cluster 'foodorder' at the partitions in
-- foodorder_router.partition; old is the partition count before the
-- change.
CREATE FUNCTION foodorder_router.point_cluster(old integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    cluster_options text;
    r record;
BEGIN
    SELECT string_agg(format('%s %I %L', CASE WHEN x.partition < old THEN 'SET' ELSE 'ADD' END,
                             'p' || x.partition, x.conninfo), ', ' ORDER BY x.partition)
      INTO cluster_options
      FROM foodorder_router.partition x;
    -- PL/Proxy reads the cluster 'foodorder' from this server's options,
    -- and checks the count on each change: all partitions in one statement.
    IF old = 0 THEN
        EXECUTE format('CREATE SERVER foodorder FOREIGN DATA WRAPPER plproxy OPTIONS (%s)',
                       replace(cluster_options, 'ADD ', ''));
        -- no user: PL/Proxy logs in to a partition as the caller
        -- (current_user), so each partition checks the caller's own
        -- privileges and kind
        CREATE USER MAPPING FOR PUBLIC SERVER foodorder;
        GRANT USAGE ON FOREIGN SERVER foodorder TO PUBLIC;
    ELSE
        EXECUTE format('ALTER SERVER foodorder OPTIONS (%s)', cluster_options);
    END IF;
END
$$;

-- (end of [cluster])

------------------------------------------------------------------------
-- [reads] How the router's tables read the partitions.
------------------------------------------------------------------------

-- The router's tables are partitioned so that a filter on a restaurant's,
-- dish's or order's id reads one partition only, and so a node that is
-- down stops only the reads that need its rows: postgres_fdw connects to
-- every partition a query keeps.  PostgreSQL prunes a partition when the
-- filter matches the partition key, so the key is the column itself (not
-- id % 1024), hash-partitioned with an operator class whose hash puts an id
-- where PL/Proxy routes it: partition (id & 1023) modulo the partition
-- count.  PostgreSQL adds 0x49a0f4dd15e5a8e3 to a one-column key's hash
-- (hash_combine64(0, h)) and takes the remainder by the modulus, a power of
-- two up to 1024 here; 0x49a0f4dd15e5a8e3 is 227 modulo 1024, so the hash
-- (id & 1023) - 227 lands on id & (modulus - 1).  Members for bigint,
-- integer and smallint, with the cross-type equalities, so that
-- restaurant_id = 5 (bigint = integer) and a bound parameter prune too.
CREATE FUNCTION foodorder_router.partition_hash(id bigint, seed bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (id OPERATOR(pg_catalog.&) 1023) OPERATOR(pg_catalog.-) 227;
CREATE FUNCTION foodorder_router.partition_hash(id integer, seed bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (id OPERATOR(pg_catalog.&) 1023)::bigint OPERATOR(pg_catalog.-) 227;
CREATE FUNCTION foodorder_router.partition_hash(id smallint, seed bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (id::integer OPERATOR(pg_catalog.&) 1023)::bigint OPERATOR(pg_catalog.-) 227;

CREATE OPERATOR FAMILY foodorder_router.partition_ops USING hash;
CREATE OPERATOR CLASS foodorder_router.partition_int8_ops FOR TYPE bigint
    USING hash FAMILY foodorder_router.partition_ops AS
    OPERATOR 1 pg_catalog.= (bigint, bigint),
    FUNCTION 2 foodorder_router.partition_hash(bigint, bigint);
CREATE OPERATOR CLASS foodorder_router.partition_int4_ops FOR TYPE integer
    USING hash FAMILY foodorder_router.partition_ops AS
    OPERATOR 1 pg_catalog.= (integer, integer),
    FUNCTION 2 foodorder_router.partition_hash(integer, bigint);
CREATE OPERATOR CLASS foodorder_router.partition_int2_ops FOR TYPE smallint
    USING hash FAMILY foodorder_router.partition_ops AS
    OPERATOR 1 pg_catalog.= (smallint, smallint),
    FUNCTION 2 foodorder_router.partition_hash(smallint, bigint);
ALTER OPERATOR FAMILY foodorder_router.partition_ops USING hash ADD
    OPERATOR 1 pg_catalog.= (bigint, integer), OPERATOR 1 pg_catalog.= (integer, bigint),
    OPERATOR 1 pg_catalog.= (bigint, smallint), OPERATOR 1 pg_catalog.= (smallint, bigint),
    OPERATOR 1 pg_catalog.= (integer, smallint), OPERATOR 1 pg_catalog.= (smallint, integer);

-- The partition key of each table: one column, or two levels where the
-- first level is by restaurant (or order, or dish) and each of its
-- partitions holds only the matching partition by id, so that both
-- restaurant_id = R and id = X read one partition.  Every key is NOT NULL
-- on the partitions and names the partition of the row.  customer and
-- address, the same on every partition, are read from partition 0 (NULL).
CREATE FUNCTION foodorder_router.read_keys(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE
RETURN CASE t
    WHEN 'restaurant' THEN ARRAY['id']
    WHEN 'dish' THEN ARRAY['restaurant_id', 'id']
    WHEN 'menu' THEN ARRAY['restaurant_id', 'id']
    WHEN 'orders' THEN ARRAY['restaurant_id', 'id']
    WHEN 'order_item' THEN ARRAY['order_id', 'dish_id']
    WHEN 'cart_item' THEN ARRAY['dish_id']
    WHEN 'status_change' THEN ARRAY['order_id', 'id']
    WHEN 'stock_change' THEN ARRAY['dish_id', 'id']
END;

-- 1.2's tables were partitioned by LIST ((id % 1024)), which no filter on
-- a column prunes: made again, with the same columns and privileges, and
-- the partitions of the deployment attached to them again below.
-- customer_orders returns the router's orders rows, so it is made again
-- with the table (as it was; [node down] replaces it).
DROP FUNCTION foodorder.customer_orders(bigint), foodorder_router.customer_orders(bigint);
DO $$
DECLARE
    t text;
    keys text[];
    g record;
BEGIN
    FOREACH t IN ARRAY foodorder_router.read_tables() LOOP
        keys := foodorder_router.read_keys(t);
        CONTINUE WHEN keys IS NULL;
        EXECUTE format('CREATE TABLE foodorder.%I (LIKE foodorder.%I)
                        PARTITION BY HASH (%I foodorder_router.partition_int8_ops)',
                       t || '_by_key', t, keys[1]);
        FOR g IN SELECT a.grantee, a.privilege_type, a.is_grantable
                   FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
                  WHERE c.oid = pg_catalog.format('foodorder.%I', t)::regclass
                    AND a.grantee <> c.relowner LOOP
            EXECUTE format('GRANT %s ON foodorder.%I TO %s %s', g.privilege_type, t || '_by_key',
                           CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.grantee::regrole::text) END,
                           CASE WHEN g.is_grantable THEN 'WITH GRANT OPTION' ELSE '' END);
        END LOOP;
        EXECUTE format('DROP TABLE foodorder.%I', t);
        EXECUTE format('ALTER TABLE foodorder.%I RENAME TO %I', t || '_by_key', t);
    END LOOP;
END
$$;

CREATE FUNCTION foodorder_router.customer_orders(customer bigint) RETURNS SETOF foodorder.orders
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON ALL; TARGET foodorder.customer_orders; $$;
CREATE FUNCTION foodorder.customer_orders(customer bigint) RETURNS SETOF foodorder.orders
LANGUAGE plpgsql AS $$
DECLARE
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    RETURN QUERY SELECT * FROM foodorder_router.customer_orders(customer) o
                  ORDER BY o.created_at DESC, o.id DESC;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                            err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM foodorder_router.raise_clean(err_code, err_message, err_detail, err_hint);
END
$$;
REVOKE ALL ON FUNCTION foodorder_router.customer_orders(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION foodorder_router.customer_orders(bigint) TO PUBLIC;

-- Partition p's tables, on server foodorder_p<p>, as partitions of the
-- router's tables, for a deployment of n partitions.  The foreign table
-- is foodorder_router.<table>_p<p>; a two-level table's first-level
-- partition is foodorder_router.<table>_by_<first key>_p<p>.
CREATE FUNCTION foodorder_router.create_reads(p integer, n integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    bound text := format('FOR VALUES WITH (MODULUS %s, REMAINDER %s)', n, p);
    t text;
    keys text[];
    parent text;
BEGIN
    FOREACH t IN ARRAY foodorder_router.read_tables() LOOP
        keys := foodorder_router.read_keys(t);
        CONTINUE WHEN keys IS NULL AND p <> 0;
        parent := format('foodorder.%I', t);
        IF cardinality(keys) = 2 THEN
            EXECUTE format('CREATE TABLE foodorder_router.%I PARTITION OF %s %s
                            PARTITION BY HASH (%I foodorder_router.partition_int8_ops)',
                           t || '_by_' || keys[1] || '_p' || p, parent, bound, keys[2]);
            parent := format('foodorder_router.%I', t || '_by_' || keys[1] || '_p' || p);
        END IF;
        EXECUTE format('CREATE FOREIGN TABLE foodorder_router.%I PARTITION OF %s %s
                        SERVER %I OPTIONS (schema_name ''foodorder'', table_name %L)',
                       t || '_p' || p, parent, CASE WHEN keys IS NULL THEN 'DEFAULT' ELSE bound END,
                       'foodorder_p' || p, t);
    END LOOP;
END
$$;

-- Takes partition p's tables out of the router's tables.  (DROP SERVER
-- ... CASCADE drops the foreign tables, not a first-level partition.)
CREATE FUNCTION foodorder_router.drop_reads(p integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t text;
    keys text[];
BEGIN
    FOREACH t IN ARRAY foodorder_router.read_tables() LOOP
        keys := foodorder_router.read_keys(t);
        IF cardinality(keys) = 2 THEN
            EXECUTE format('DROP TABLE IF EXISTS foodorder_router.%I', t || '_by_' || keys[1] || '_p' || p);
        END IF;
        EXECUTE format('DROP FOREIGN TABLE IF EXISTS foodorder_router.%I', t || '_p' || p);
    END LOOP;
END
$$;

-- Attaches partition p's tables, on server foodorder_p<p> (made anew by
-- set_partitions), as partitions of the router's tables, and maps every
-- reader to it.  The modulus is the partition count (a power of two) once
-- set_partitions is done: the count in foodorder_router.partition so far,
-- rounded up.  When it grows (4 to 8), the partitions attached for the
-- smaller count are attached again for the new one.
CREATE OR REPLACE FUNCTION foodorder_router.attach_reads(p integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    n integer := 1;
    q integer;
    role name;
BEGIN
    WHILE n < foodorder_router.partition_count() LOOP
        n := n * 2;
    END LOOP;
    FOR q IN SELECT (regexp_match(c.relname, '^restaurant_p(\d+)$'))[1]::integer
               FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'foodorder.restaurant'::regclass
                AND pg_catalog.pg_get_expr(c.relpartbound, c.oid) !~ format('\mmodulus %s,', n) LOOP
        IF q <> p THEN
            PERFORM foodorder_router.drop_reads(q);
            PERFORM foodorder_router.create_reads(q, n);
        END IF;
    END LOOP;
    PERFORM foodorder_router.drop_reads(p);
    PERFORM foodorder_router.create_reads(p, n);
    PERFORM foodorder_router.map_reader(current_user, p);
    FOR role IN SELECT r.role FROM foodorder_router.reader r LOOP
        PERFORM foodorder_router.map_reader(role, p);
    END LOOP;
END
$$;

-- A deployment made at 1.2: its partitions attached to the new tables.
-- What this script creates belongs to the extension, but a partition's
-- tables must not (set_partitions drops them with their server): taken
-- out of it again.
DO $$
DECLARE
    n integer := foodorder_router.partition_count();
    p integer;
    r record;
BEGIN
    FOR p IN SELECT x.partition FROM foodorder_router.partition x ORDER BY x.partition LOOP
        PERFORM foodorder_router.drop_reads(p);  -- customer's and address's, kept above
        PERFORM foodorder_router.create_reads(p, n);
    END LOOP;
    FOR r IN SELECT c.oid::regclass AS rel, c.relkind
               FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class c ON c.oid = d.objid
              WHERE d.classid = 'pg_catalog.pg_class'::regclass
                AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
                AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e
                                   WHERE e.extname = 'foodorder_router')
                AND c.relnamespace = 'foodorder_router'::regnamespace
                AND c.relname ~ '_p\d+$' LOOP
        EXECUTE format('ALTER EXTENSION foodorder_router DROP %s %s',
                       CASE r.relkind WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.rel);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION foodorder_router.create_reads(integer, integer),
    foodorder_router.drop_reads(integer) FROM PUBLIC;

-- (end of [reads])

------------------------------------------------------------------------
-- set_partitions(): the steps above, for each partition.
------------------------------------------------------------------------

-- Points partition p (0, 1, ...) of the deployment at conninfos[p + 1]
-- ('host=... port=... dbname=...'), for PL/Proxy and postgres_fdw alike.
-- The count is a power of two (PL/Proxy takes the hash modulo it) and may
-- only grow; moving a partition to another node is calling it again with
-- that partition's new conninfo.  Returns the partition count.
CREATE OR REPLACE FUNCTION foodorder.set_partitions(conninfos text[]) RETURNS integer
LANGUAGE plpgsql AS $$
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
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION foodorder_router.point_cluster(integer),
    foodorder_router.attach_reads(integer) FROM PUBLIC;

------------------------------------------------------------------------
-- [node down] What a live restaurant's customers do while another node
-- is down: the calls that read or change every partition go on with the
-- partitions that answer, and say what they could not reach.
------------------------------------------------------------------------

-- The partition database an error could not reach (raise_clean's 08001,
-- or 08006 for a connection lost during the call), or NULL: the error is
-- another one, a partition's refusal say.
CREATE FUNCTION foodorder_router.unreachable_database(code text, message text, detail text, hint text)
RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM foodorder_router.raise_clean(code, message, detail, hint);
    RETURN NULL;
EXCEPTION WHEN connection_exception THEN
    RETURN coalesce(substring(message FROM '^PL/Proxy function [^:]*: \[([^]]*)\]'),
                    'of the deployment');
WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- Runs call (a set-returning PL/Proxy function call, $1 for the
-- partition) on each partition in turn and gathers the rows as JSON; a
-- partition that cannot be reached is skipped and named in missing and
-- databases, any other error is raised.  One partition at a time: with
-- RUN ON ALL one unreachable partition fails the whole call.
CREATE FUNCTION foodorder_router.on_each(call text, OUT answers jsonb, OUT missing integer[],
                                         OUT databases text[])
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p integer;
    got jsonb;
    db text;
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    answers := '[]';
    missing := '{}';
    databases := '{}';
    FOR p IN 0 .. foodorder_router.partition_count() - 1 LOOP
        BEGIN
            EXECUTE format('SELECT pg_catalog.jsonb_agg(r) FROM %s r', call) INTO got USING p;
            answers := answers || coalesce(got, '[]');
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                    err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
            db := foodorder_router.unreachable_database(err_code, err_message, err_detail, err_hint);
            IF db IS NULL THEN
                PERFORM foodorder_router.raise_clean(err_code, err_message, err_detail, err_hint);
            END IF;
            missing := missing || p;
            databases := databases || db;
        END;
    END LOOP;
    IF pg_catalog.cardinality(missing) > 0 THEN
        PERFORM pg_catalog.set_config('foodorder_router.unreachable_at',
                                      extract(epoch FROM pg_catalog.clock_timestamp())::text, false);
    END IF;
END
$$;

-- Whether this session calls every partition at once (RUN ON ALL), the
-- fast way.  A RUN ON ALL that fails on one partition leaves PL/Proxy's
-- connections to the others half-way, to be opened again on the next
-- call: so for 10 seconds after on_each found a partition it could not
-- reach, this session asks one partition at a time.
CREATE FUNCTION foodorder_router.all_at_once() RETURNS boolean
LANGUAGE sql STABLE
RETURN extract(epoch FROM pg_catalog.clock_timestamp())
       OPERATOR(pg_catalog.-)
       coalesce(NULLIF(pg_catalog.current_setting('foodorder_router.unreachable_at', true), ''), '0')::numeric
       OPERATOR(pg_catalog.>) 10;

-- What a read or change could not reach, for people and for programs: a
-- WARNING naming the partition databases, and the setting
-- foodorder.unreachable, for the rest of the transaction, set to their
-- names ('' when nothing is missing; an app reads it with
-- current_setting('foodorder.unreachable', true), NULL on one node).
CREATE FUNCTION foodorder_router.report_unreachable(what text, databases text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('foodorder.unreachable',
                                  pg_catalog.array_to_string(databases, ', '), true);
    IF pg_catalog.cardinality(databases) > 0 THEN
        RAISE WARNING '%', what
            USING DETAIL = format('Could not connect to partition database %s.',
                                  pg_catalog.array_to_string(databases, ', ')),
                  HINT = 'The other partitions answered; call again when its node is back.';
    END IF;
END
$$;

-- The partitions that may hold a customer's cart lines, as this router
-- knows them, so that with a node down a cart whose lines are all on the
-- other nodes orders, and one that may have lines on it does not (a half
-- order): a cart_set through this router notes its dish's partition
-- before it calls it, and a read that reaches every partition (cart,
-- cart_clear, a cart order) replaces the note with what it found, unless
-- a cart_set came in between (version).  known: such a read has been
-- made; until then, every partition may hold lines.  Unlogged: a crash
-- forgets every cart, which is only more careful.  Not in a dump either.
CREATE UNLOGGED TABLE foodorder_router.cart_home (
    customer_id bigint PRIMARY KEY,
    partitions integer[] NOT NULL,
    known boolean NOT NULL,
    version bigint NOT NULL
);

CREATE FUNCTION foodorder_router.cart_noted(customer bigint, part integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF customer IS NULL OR part IS NULL THEN
        RETURN;  -- the partition refuses the call
    END IF;
    INSERT INTO foodorder_router.cart_home AS h (customer_id, partitions, known, version)
    VALUES (customer, ARRAY[part], false, 1)
    ON CONFLICT (customer_id) DO UPDATE
       SET partitions = CASE WHEN part = ANY (h.partitions) THEN h.partitions
                             ELSE h.partitions || part END,
           version = h.version + 1;
END
$$;

-- The version of the customer's note before a read (NULL: none).
CREATE FUNCTION foodorder_router.cart_version(customer bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
RETURN (SELECT h.version FROM foodorder_router.cart_home h WHERE h.customer_id = customer);

-- After a read that reached every partition but missing and found lines
-- on lines: the note made true (if no cart_set came in between), and the
-- partitions of missing that may hold lines returned.
CREATE FUNCTION foodorder_router.cart_seen(customer bigint, version bigint, missing integer[],
                                           lines integer[])
RETURNS integer[] LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h foodorder_router.cart_home;
    kept integer[];
BEGIN
    IF customer IS NULL THEN
        RETURN '{}';
    END IF;
    IF pg_catalog.current_setting('transaction_read_only') = 'off' THEN
        IF version IS NULL AND pg_catalog.cardinality(missing) = 0 THEN
            INSERT INTO foodorder_router.cart_home AS x (customer_id, partitions, known, version)
            VALUES (customer, ARRAY(SELECT DISTINCT l FROM pg_catalog.unnest(lines) l ORDER BY l), true, 0)
            ON CONFLICT (customer_id) DO NOTHING;  -- a cart_set's: it knows better
        ELSIF version IS NOT NULL THEN
            -- the partitions reached hold what was found, the others keep
            -- their note; written only if it changes, and only if no
            -- cart_set came in between (the UPDATE checks the version
            -- again on the row it locks)
            SELECT * INTO h FROM foodorder_router.cart_home x WHERE x.customer_id = customer;
            IF FOUND AND h.version = cart_seen.version THEN
                kept := ARRAY(SELECT DISTINCT x FROM pg_catalog.unnest(h.partitions || lines) x
                               WHERE x = ANY (lines) OR x = ANY (missing) ORDER BY x);
                IF kept IS DISTINCT FROM h.partitions
                   OR NOT h.known AND pg_catalog.cardinality(missing) = 0 THEN
                    UPDATE foodorder_router.cart_home x
                       SET partitions = kept, known = x.known OR pg_catalog.cardinality(missing) = 0
                     WHERE x.customer_id = customer AND x.version = cart_seen.version;
                END IF;
            END IF;
        END IF;
    END IF;
    IF pg_catalog.cardinality(missing) = 0 THEN
        RETURN '{}';
    END IF;
    SELECT * INTO h FROM foodorder_router.cart_home x WHERE x.customer_id = customer;
    RETURN ARRAY(SELECT m FROM pg_catalog.unnest(missing) m
                  WHERE NOT coalesce(h.known, false) OR m = ANY (h.partitions));
END
$$;
REVOKE ALL ON FUNCTION foodorder_router.cart_noted(bigint, integer),
    foodorder_router.cart_version(bigint),
    foodorder_router.cart_seen(bigint, bigint, integer[], integer[]) FROM PUBLIC;

-- The per-partition calls.
CREATE TYPE foodorder_router.cart_line AS (dish_id bigint, name text, quantity integer,
                                           price_cents integer, line_cents bigint, on_sale boolean,
                                           restaurant_id bigint);
CREATE FUNCTION foodorder_router.cart_on(part integer, customer bigint)
RETURNS SETOF foodorder_router.cart_line
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON part; SELECT * FROM foodorder.cart(customer); $$;
CREATE FUNCTION foodorder_router.customer_orders_on(part integer, customer bigint)
RETURNS SETOF foodorder.orders
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON part; SELECT * FROM foodorder.customer_orders(customer); $$;
CREATE FUNCTION foodorder_router.cart_here_on(part integer, customer bigint, request_key text)
RETURNS TABLE (partition integer, lines integer, keyed_order bigint)
LANGUAGE plproxy AS $$
    CLUSTER 'foodorder';
    RUN ON part;
    SELECT * FROM foodorder_shard.cart_here(customer, request_key);
$$;
CREATE FUNCTION foodorder_router.cart_clear_on(part integer, customer bigint, lock_timeout text)
RETURNS TABLE (result integer, err_code text, err_message text, err_detail text, err_hint text)
LANGUAGE plproxy AS $$
    CLUSTER 'foodorder';
    RUN ON part;
    SELECT * FROM foodorder_shard.call_cart_clear(customer, lock_timeout);
$$;
CREATE FUNCTION foodorder_router.expire_orders_on(part integer, older_than interval, lock_timeout text)
RETURNS TABLE (result integer, err_code text, err_message text, err_detail text, err_hint text)
LANGUAGE plproxy AS $$
    CLUSTER 'foodorder';
    RUN ON part;
    SELECT * FROM foodorder_shard.call_expire_orders(older_than, lock_timeout);
$$;

-- The databases of the partitions of missing that are in wanted.
CREATE FUNCTION foodorder_router.databases_of(wanted integer[], missing integer[], databases text[])
RETURNS text[] LANGUAGE sql IMMUTABLE
RETURN ARRAY(SELECT databases[i] FROM pg_catalog.generate_subscripts(missing, 1) i
              WHERE missing[i] OPERATOR(pg_catalog.=) ANY (wanted) ORDER BY i);

-- cart(): every partition at once; if one cannot be reached, each in
-- turn.  Lines it may lack (the router's note says the cart may have some
-- on a partition it could not reach) are reported.
CREATE OR REPLACE FUNCTION foodorder.cart(customer bigint)
RETURNS TABLE (dish_id bigint, name text, quantity integer, price_cents integer,
               line_cents bigint, on_sale boolean, restaurant_id bigint)
LANGUAGE plpgsql STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    version bigint := foodorder_router.cart_version(customer);
    e record;
    done boolean := false;
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF foodorder_router.all_at_once() THEN
        BEGIN
            SELECT coalesce(jsonb_agg(c), '[]') AS answers, '{}'::integer[] AS missing,
                   '{}'::text[] AS databases
              INTO e FROM foodorder_router.cart(customer) c;
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
        SELECT * INTO e FROM foodorder_router.on_each(format('foodorder_router.cart_on($1, %L)', customer));
    END IF;
    PERFORM foodorder_router.report_unreachable(
        format('the cart of customer %s may have more lines, of restaurants on a node that is down', customer),
        foodorder_router.databases_of(
            foodorder_router.cart_seen(customer, version, e.missing,
                ARRAY(SELECT DISTINCT foodorder_router.partition_of((l->>'dish_id')::bigint)
                        FROM jsonb_array_elements(e.answers) l)),
            e.missing, e.databases));
    RETURN QUERY SELECT l.* FROM jsonb_populate_recordset(NULL::foodorder_router.cart_line, e.answers) l
                  ORDER BY l.dish_id;
END
$$;

-- customer_orders(): the orders of the partitions that answer; the others
-- are reported.
CREATE OR REPLACE FUNCTION foodorder.customer_orders(customer bigint) RETURNS SETOF foodorder.orders
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    e record;
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    PERFORM foodorder_router.report_unreachable(NULL, '{}');
    IF foodorder_router.all_at_once() THEN
        BEGIN
            RETURN QUERY SELECT * FROM foodorder_router.customer_orders(customer) o
                          ORDER BY o.created_at DESC, o.id DESC;
            RETURN;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                    err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
            IF foodorder_router.unreachable_database(err_code, err_message, err_detail, err_hint) IS NULL THEN
                PERFORM foodorder_router.raise_clean(err_code, err_message, err_detail, err_hint);
            END IF;
        END;
    END IF;
    SELECT * INTO e
      FROM foodorder_router.on_each(format('foodorder_router.customer_orders_on($1, %L)', customer));
    PERFORM foodorder_router.report_unreachable(
        format('the orders of customer %s at restaurants on a node that is down are not listed', customer),
        e.databases);
    RETURN QUERY SELECT * FROM jsonb_populate_recordset(NULL::foodorder.orders, e.answers) o
                  ORDER BY o.created_at DESC, o.id DESC;
END
$$;

-- cart_clear(): each partition in turn; lines that may stay on one that
-- cannot be reached are reported.
CREATE OR REPLACE FUNCTION foodorder.cart_clear(customer bigint) RETURNS integer
LANGUAGE plpgsql STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    version bigint := foodorder_router.cart_version(customer);
    e record;
BEGIN
    SELECT * INTO e FROM foodorder_router.on_each(
        format('foodorder_router.cart_clear_on($1, %L, %L)', customer,
               pg_catalog.current_setting('lock_timeout')));
    PERFORM foodorder_router.raise_any(e.answers);
    PERFORM foodorder_router.report_unreachable(
        format('the cart of customer %s may keep lines of restaurants on a node that is down', customer),
        foodorder_router.databases_of(foodorder_router.cart_seen(customer, version, e.missing, '{}'),
                                      e.missing, e.databases));
    RETURN (SELECT coalesce(sum((o->>'result')::integer), 0) FROM jsonb_array_elements(e.answers) o)::integer;
END
$$;

-- The first cart_set of a customer through this router learns where the
-- cart's lines are (as the caller, who may read them if it may set them),
-- so that the note is known from the start; with a partition down it
-- stays unknown.
CREATE FUNCTION foodorder_router.cart_learn(customer bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    carts integer[];
BEGIN
    IF customer IS NULL OR foodorder_router.cart_version(customer) IS NOT NULL
       OR NOT foodorder_router.all_at_once() THEN
        RETURN;
    END IF;
    BEGIN
        SELECT array_agg(h.partition) FILTER (WHERE h.lines > 0) INTO carts
          FROM foodorder_router.cart_here(customer, NULL) h;
    EXCEPTION WHEN OTHERS THEN
        RETURN;  -- a partition that cannot be reached, or a refusal: cart_set says
    END;
    PERFORM foodorder_router.cart_seen(customer, NULL, '{}', coalesce(carts, '{}'));
END
$$;

-- cart_set(): the dish's partition noted before the call (cart_home).
CREATE OR REPLACE FUNCTION foodorder.cart_set(customer bigint, dish bigint, quantity integer)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r record;
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    PERFORM foodorder_router.cart_learn(customer);
    PERFORM foodorder_router.cart_noted(customer, foodorder_router.partition_of(dish));
    BEGIN
        FOR r IN SELECT * FROM foodorder_router.cart_set(foodorder_router.partition_of(dish), customer,
                                                         dish, quantity,
                                                         pg_catalog.current_setting('lock_timeout')) LOOP
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
END
$$;

-- Where a cart order goes, with a node down: the partitions that answer
-- decide, unless the cart may have lines on one that does not (08001,
-- nothing ordered) and the request key placed no order yet.
CREATE OR REPLACE FUNCTION foodorder_router.cart_partition(customer bigint, request_key text)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    version bigint := foodorder_router.cart_version(customer);
    e record;
    done boolean := false;
    keyed integer;
    keyed_order bigint;
    carts integer[];
    maybe integer[];
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF customer IS NULL THEN
        RETURN 0;
    END IF;
    IF foodorder_router.all_at_once() THEN
        BEGIN
            SELECT coalesce(jsonb_agg(h), '[]') AS answers, '{}'::integer[] AS missing,
                   '{}'::text[] AS databases
              INTO e FROM foodorder_router.cart_here(customer, request_key) h;
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
        SELECT * INTO e FROM foodorder_router.on_each(
            format('foodorder_router.cart_here_on($1, %L, %L)', customer, request_key));
    END IF;
    SELECT min(h.partition) FILTER (WHERE h.keyed_order IS NOT NULL), min(h.keyed_order),
           array_agg(h.partition ORDER BY h.partition) FILTER (WHERE h.lines > 0)
      INTO keyed, keyed_order, carts
      FROM jsonb_to_recordset(e.answers) AS h (partition integer, lines integer, keyed_order bigint);
    IF pg_catalog.cardinality(carts) > 1 THEN
        RAISE EXCEPTION 'an order cannot have dishes of more than one restaurant'
            USING ERRCODE = '22023',
                  DETAIL = pg_catalog.format('The cart of customer %s has dishes of restaurants on different nodes.',
                                             customer),
                  HINT = 'Place one order per restaurant.';
    END IF;
    IF keyed IS NOT NULL AND carts[1] IS DISTINCT FROM keyed AND carts IS NOT NULL THEN
        -- the key's order is elsewhere, so it cannot be this cart's
        RAISE EXCEPTION 'request key "%" of customer % was used for a different order',
                        request_key, customer
            USING ERRCODE = 'OR004',
                  DETAIL = pg_catalog.format('Order %s was placed with that key, with other dishes or quantities.',
                                             keyed_order),
                  HINT = 'Use a new request key for a new order.';
    END IF;
    maybe := foodorder_router.cart_seen(customer, version, e.missing, coalesce(carts, '{}'));
    IF keyed IS NULL AND pg_catalog.cardinality(maybe) > 0 THEN
        RAISE EXCEPTION 'could not connect to partition database %',
                        pg_catalog.array_to_string(foodorder_router.databases_of(maybe, e.missing, e.databases), ', ')
            USING ERRCODE = '08001',
                  DETAIL = pg_catalog.format('The cart of customer %s may have dishes of restaurants there.',
                                             customer),
                  HINT = 'Nothing was ordered: the order could miss those dishes. Retry when its node is back.';
    END IF;
    RETURN foodorder_router.key_partition(customer, request_key,
        coalesce(keyed, carts[1],
                 (SELECT min(p) FROM generate_series(0, foodorder_router.partition_count() - 1) p
                   WHERE p <> ALL (e.missing)),
                 0));
END
$$;

-- expire_orders(): on each partition that answers; the others are
-- reported (their orders expire on the next run after their node is back).
CREATE OR REPLACE FUNCTION foodorder_router.expire_orders_everywhere(older_than interval)
RETURNS integer LANGUAGE plpgsql STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    e record;
BEGIN
    SELECT * INTO e FROM foodorder_router.on_each(
        format('foodorder_router.expire_orders_on($1, %L, %L)', older_than,
               pg_catalog.current_setting('lock_timeout')));
    PERFORM foodorder_router.raise_any(e.answers);
    PERFORM foodorder_router.report_unreachable('orders on a node that is down were not expired',
                                                e.databases);
    RETURN (SELECT coalesce(sum((o->>'result')::integer), 0) FROM jsonb_array_elements(e.answers) o)::integer;
END
$$;

REVOKE ALL ON FUNCTION foodorder_router.expire_orders_on(integer, interval, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION foodorder_router.cart_noted(bigint, integer),
    foodorder_router.cart_version(bigint),
    foodorder_router.cart_seen(bigint, bigint, integer[], integer[]) TO PUBLIC;

-- (end of [node down])
