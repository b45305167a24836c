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

-- PL/Proxy reads the cluster 'foodorder' from three functions in schema
-- plproxy (its "compat" configuration), not from a foreign server.  With
-- a foreign server (1.2) every caller needed USAGE on it, and USAGE lets a
-- role create a user mapping of its own, whose user option PL/Proxy
-- honoured: any role logged in to the partitions as any other.  Without a
-- server named like the cluster, PL/Proxy reads no user mapping and checks
-- no USAGE; it appends user=<current_user> to the partition's conninfo
-- (unless the conninfo names a user, which check_conninfo refuses).  The
-- schema must be new: its owner could replace the functions PL/Proxy runs.
CREATE SCHEMA plproxy;
GRANT USAGE ON SCHEMA plproxy TO PUBLIC;

-- PL/Proxy asks for the version on every call and reloads the partitions
-- when it changed; point_cluster() bumps it in the transaction that
-- changes them.
CREATE TABLE foodorder_router.cluster_version (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    version integer NOT NULL
);
INSERT INTO foodorder_router.cluster_version (version) VALUES (1);

CREATE FUNCTION plproxy.get_cluster_version(cluster_name text) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF cluster_name IS DISTINCT FROM 'foodorder' THEN
        RAISE EXCEPTION 'PL/Proxy cluster "%" does not exist', cluster_name
            USING ERRCODE = '42704',
                  HINT = 'The router defines the cluster foodorder only.';
    END IF;
    RETURN (SELECT v.version FROM foodorder_router.cluster_version v);
END
$$;

-- No settings: PL/Proxy's defaults (connect as current_user).
CREATE FUNCTION plproxy.get_cluster_config(IN cluster_name text, OUT key text, OUT val text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM plproxy.get_cluster_version(cluster_name);
END
$$;

-- The partitions' conninfos, in PL/Proxy's order.  PL/Proxy runs this as
-- the caller, on a session's first call and after a change: so only the
-- roles granted through the router may (grant_* grants EXECUTE); any
-- other role's call stops here (42501) without reaching a node.
CREATE FUNCTION plproxy.get_cluster_partitions(cluster_name text) RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM plproxy.get_cluster_version(cluster_name);
    RETURN QUERY SELECT p.conninfo FROM foodorder_router.partition p ORDER BY p.partition;
END
$$;
REVOKE ALL ON FUNCTION plproxy.get_cluster_partitions(text) FROM PUBLIC;

-- A partition's conninfo may say where the partition is and how to reach
-- it, never who logs in or with what secret: PL/Proxy and postgres_fdw use
-- it for every caller's connection.  So only these keys, as key=value
-- without quotes; a value holding "=" could hide a "user=" that makes
-- PL/Proxy append no user at all.
CREATE FUNCTION foodorder_router.check_conninfo(part integer, conninfo text) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    allowed constant text[] := ARRAY['host', 'hostaddr', 'port', 'dbname', 'connect_timeout',
        'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count',
        'tcp_user_timeout', 'sslmode', 'sslrootcert', 'sslcrl', 'sslcert', 'sslkey',
        'requirepeer', 'channel_binding', 'target_session_attrs', 'application_name'];
    setting text;
    i integer := 0;
BEGIN
    IF conninfo IS NULL OR btrim(conninfo) = '' THEN
        RAISE EXCEPTION 'the conninfo of partition % is empty', part USING ERRCODE = '22023';
    END IF;
    FOREACH setting IN ARRAY regexp_split_to_array(btrim(conninfo), '\s+') LOOP
        i := i + 1;
        IF setting !~ '^[a-z_]+=[^=''"\\]+$' THEN
            RAISE EXCEPTION 'setting % of the conninfo of partition % is not key=value', i, part
                USING ERRCODE = '22023',
                      HINT = 'Give key=value settings separated by spaces, without quotes, '
                             'backslashes or "=" in a value.';
        END IF;
        IF split_part(setting, '=', 1) <> ALL (allowed) THEN
            RAISE EXCEPTION 'the conninfo of partition % may not set "%"', part, split_part(setting, '=', 1)
                USING ERRCODE = '22023',
                      DETAIL = 'PL/Proxy and postgres_fdw log in to a partition as the calling role; '
                               'a login setting in the conninfo would serve every caller.',
                      HINT = pg_catalog.format('Allowed: %s. Authenticate the router to the nodes '
                                               'as the README says (.pgpass, certificates).',
                                               array_to_string(allowed, ', '));
        END IF;
    END LOOP;
END
$$;

CREATE FUNCTION foodorder_router.check_conninfos(conninfos text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    FOR i IN 1 .. coalesce(cardinality(conninfos), 0) LOOP
        PERFORM foodorder_router.check_conninfo(i - 1, conninfos[i]);
    END LOOP;
END
$$;

-- Points PL/Proxy's cluster 'foodorder' at the partitions in
-- foodorder_router.partition, checked again: whatever wrote them, PL/Proxy
-- uses them for every caller.  old (the count before the change) is no
-- longer needed: PL/Proxy checks the count itself.
CREATE FUNCTION foodorder_router.point_cluster(old integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM foodorder_router.check_conninfo(x.partition, x.conninfo)
       FROM foodorder_router.partition x;
    UPDATE foodorder_router.cluster_version SET version = version + 1;
END
$$;

-- Where the nodes are (the foreign servers' host, port and dbname) is no
-- business of a role the router has not granted: pg_foreign_server's
-- srvoptions becomes readable only by its owner and superusers, as
-- PostgreSQL already does for user mappings.  postgres_fdw and
-- information_schema (which shows options only to a server's users) are
-- unaffected; psql's \des+ needs the owner.  This is a change to the
-- database's catalog: pg_dump keeps it, DROP EXTENSION does not undo it.
REVOKE SELECT ON pg_catalog.pg_foreign_server FROM PUBLIC;
GRANT SELECT (oid, srvname, srvowner, srvfdw, srvtype, srvversion, srvacl)
    ON pg_catalog.pg_foreign_server TO PUBLIC;

-- A deployment made with 1.2: its conninfos checked first (22023, nothing
-- changed, while one has a login setting: correct it with 1.2's
-- set_partitions), then the server foodorder goes, with its PUBLIC user
-- mapping, its USAGE for PUBLIC and every mapping a role made on it.
-- PL/Proxy keeps, per session, the user mapping it last read, and would
-- keep using it after the switch to the functions above: so the update
-- ends the other sessions of this database, last ([sessions]).
DO $$
BEGIN
    IF foodorder_router.partition_count() > 0 THEN
        PERFORM foodorder_router.point_cluster(foodorder_router.partition_count());
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_foreign_server s WHERE s.srvname = 'foodorder') THEN
        DROP SERVER foodorder CASCADE;
        PERFORM pg_catalog.set_config('foodorder_router.end_sessions', 'on', true);
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
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION foodorder_router.point_cluster(integer),
    foodorder_router.attach_reads(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder_router.check_conninfo(integer, text),
    foodorder_router.check_conninfos(text[]) FROM PUBLIC;

------------------------------------------------------------------------
-- [router roles] What the router itself knows of the granted roles.
------------------------------------------------------------------------

-- The partitions decide what a role may do; the router keeps a copy of
-- which roles are app roles and which customer a customer role is, for
-- what it decides before any partition is asked: whose request keys a
-- role may claim, and whether it may draw a customer or address id.
-- Each role reads only its own rows (row-level security), so the checks
-- run as the caller, whose identity PL/Proxy also uses.
CREATE TABLE foodorder_router.app_role (role regrole PRIMARY KEY);
CREATE TABLE foodorder_router.customer_role (
    role regrole PRIMARY KEY,
    customer_id bigint NOT NULL
);
SELECT pg_catalog.pg_extension_config_dump('foodorder_router.app_role', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder_router.customer_role', '');
ALTER TABLE foodorder_router.app_role ENABLE ROW LEVEL SECURITY;
ALTER TABLE foodorder_router.customer_role ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_row ON foodorder_router.app_role FOR SELECT
    USING (role OPERATOR(pg_catalog.=) pg_catalog.quote_ident(current_user)::regrole);
CREATE POLICY own_row ON foodorder_router.customer_role FOR SELECT
    USING (role OPERATOR(pg_catalog.=) pg_catalog.quote_ident(current_user)::regrole);
GRANT SELECT ON foodorder_router.app_role, foodorder_router.customer_role TO PUBLIC;

-- True when the caller (current_user, as whom PL/Proxy logs in) may act
-- for the customer, as a partition decides it: an app role, the
-- customer's own role, or the owner (and its members).
CREATE FUNCTION foodorder_router.may_act_for(customer bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT FROM foodorder_router.app_role a
                    WHERE a.role = pg_catalog.quote_ident(current_user)::regrole)
        OR EXISTS (SELECT FROM foodorder_router.customer_role c
                    WHERE c.role = pg_catalog.quote_ident(current_user)::regrole AND c.customer_id = customer)
        OR pg_has_role(current_user,
                       (SELECT e.extowner FROM pg_extension e WHERE e.extname = 'foodorder_router'),
                       'USAGE');
END
$$;

-- What the router itself gives a granted role: EXECUTE on
-- plproxy.get_cluster_partitions (any kind: PL/Proxy runs it as the
-- caller; kept after a revoke, as a reader's SELECT on the tables is),
-- USAGE on the id sequences to draw ids for add_customer (app) and
-- add_address (app, customer), revoked with the kind.
CREATE FUNCTION foodorder_router.sync_router_privileges(r regrole) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    app boolean := EXISTS (SELECT FROM foodorder_router.app_role a WHERE a.role = r);
    customer boolean := EXISTS (SELECT FROM foodorder_router.customer_role c WHERE c.role = r);
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION plproxy.get_cluster_partitions(text) TO %s', r);
    EXECUTE format('%s USAGE ON SEQUENCE foodorder_router.customer_id_seq %s %s',
                   CASE WHEN app THEN 'GRANT' ELSE 'REVOKE' END,
                   CASE WHEN app THEN 'TO' ELSE 'FROM' END, r);
    EXECUTE format('%s USAGE ON SEQUENCE foodorder_router.address_id_seq %s %s',
                   CASE WHEN app OR customer THEN 'GRANT' ELSE 'REVOKE' END,
                   CASE WHEN app OR customer THEN 'TO' ELSE 'FROM' END, r);
END
$$;

-- Records a grant or revoke that change_role made on the partitions.
CREATE FUNCTION foodorder_router.note_role(kind text, role name, customer bigint, revoking boolean)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r regrole := (SELECT x.oid FROM pg_roles x WHERE x.rolname = note_role.role)::regrole;
BEGIN
    IF r IS NULL THEN
        RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = '42704';
    END IF;
    IF kind = 'app' AND NOT revoking THEN
        INSERT INTO foodorder_router.app_role VALUES (r) ON CONFLICT DO NOTHING;
    ELSIF kind = 'app' THEN
        DELETE FROM foodorder_router.app_role a WHERE a.role = r;
    ELSIF kind = 'customer' AND NOT revoking THEN
        INSERT INTO foodorder_router.customer_role AS c VALUES (r, customer)
        ON CONFLICT ON CONSTRAINT customer_role_pkey DO UPDATE SET customer_id = EXCLUDED.customer_id;
    ELSIF kind = 'customer' THEN
        DELETE FROM foodorder_router.customer_role c WHERE c.role = r;
    END IF;
    PERFORM foodorder_router.sync_router_privileges(r);
END
$$;

CREATE OR REPLACE FUNCTION foodorder.grant_app(role name) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('app', role, NULL, false);
    SELECT foodorder_router.note_role('app', role, NULL, false);
END;
CREATE OR REPLACE FUNCTION foodorder.revoke_app(role name) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('app', role, NULL, true);
    SELECT foodorder_router.note_role('app', role, NULL, true);
END;
CREATE OR REPLACE FUNCTION foodorder.grant_customer(role name, customer bigint) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('customer', role, customer, false);
    SELECT foodorder_router.note_role('customer', role, customer, false);
END;
CREATE OR REPLACE FUNCTION foodorder.revoke_customer(role name) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('customer', role, NULL, true);
    SELECT foodorder_router.note_role('customer', role, NULL, true);
END;
CREATE OR REPLACE FUNCTION foodorder.grant_staff(role name, restaurant bigint) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT foodorder_router.change_role('staff', role, restaurant, false);
    SELECT foodorder_router.note_role('staff', role, NULL, false);
END;

-- A deployment made with 1.2: the kinds as the partitions recorded them
-- (every partition has the same: grants run on all), read from partition
-- 0 as the updating owner, and what the router gives each reader.
CREATE FUNCTION foodorder_router.granted_on_partition_0(OUT role name, OUT customer_id bigint)
RETURNS SETOF record LANGUAGE plproxy AS $$
    CLUSTER 'foodorder';
    RUN ON 0;
    SELECT pg_catalog.pg_get_userbyid(a.role) AS role, NULL::bigint AS customer_id
      FROM foodorder.app_role a
    UNION ALL
    SELECT pg_catalog.pg_get_userbyid(c.role), c.customer_id FROM foodorder.customer_role c;
$$;
DO $$
DECLARE
    g record;
    r regrole;
BEGIN
    IF foodorder_router.partition_count() > 0 THEN
        BEGIN
            FOR g IN SELECT * FROM foodorder_router.granted_on_partition_0() LOOP
                r := (SELECT x.oid FROM pg_catalog.pg_roles x WHERE x.rolname = g.role)::regrole;
                CONTINUE WHEN r IS NULL;
                IF g.customer_id IS NULL THEN
                    INSERT INTO foodorder_router.app_role VALUES (r) ON CONFLICT DO NOTHING;
                ELSE
                    INSERT INTO foodorder_router.customer_role VALUES (r, g.customer_id)
                    ON CONFLICT DO NOTHING;
                END IF;
            END LOOP;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'foodorder_router 1.2.1 could not read the granted roles from partition 0'
                USING ERRCODE = '08001', DETAIL = SQLERRM,
                      HINT = 'Update the router while partition 0''s node is up.';
        END;
    END IF;
    FOR r IN SELECT x.oid::regrole FROM foodorder_router.reader rd
               JOIN pg_catalog.pg_roles x ON x.rolname = rd.role LOOP
        PERFORM foodorder_router.sync_router_privileges(r);
    END LOOP;
END
$$;
DROP FUNCTION foodorder_router.granted_on_partition_0();

REVOKE ALL ON FUNCTION foodorder_router.sync_router_privileges(regrole),
    foodorder_router.note_role(text, name, bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION foodorder_router.may_act_for(bigint) TO PUBLIC;

-- (end of [router roles])

------------------------------------------------------------------------
-- [ids] Customer and address ids: drawn by the roles that may add them.
------------------------------------------------------------------------

-- 1.2 let every role draw ids (USAGE for PUBLIC).  Now app roles draw
-- customer ids and app and customer roles address ids (USAGE granted by
-- the grant functions); any other role gets the refusal a partition
-- would give, before an id is drawn.
REVOKE ALL ON SEQUENCE foodorder_router.customer_id_seq, foodorder_router.address_id_seq FROM PUBLIC;

CREATE OR REPLACE FUNCTION foodorder.add_customer(name text) RETURNS bigint
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

CREATE OR REPLACE FUNCTION foodorder.add_address(customer bigint, detail text, label text DEFAULT NULL)
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

-- (end of [ids])

------------------------------------------------------------------------
-- [request keys] Claims of request keys: by whom, how long, how many.
------------------------------------------------------------------------

-- 1.2 claimed keys as the owner, for any caller: any role could claim
-- another customer's key for a wrong partition (its next keyed order
-- then failed there), store keys of any length and any number, and learn
-- where a key had been claimed.  Now a claim is made as the caller, and
-- row-level security lets a role claim and see only the keys of customers
-- it may act for.  Any claim made before may have been such a plant: the
-- update forgets them all, as a crash of the router does.
TRUNCATE foodorder_router.request_key;
ALTER TABLE foodorder_router.request_key
    ADD CONSTRAINT request_key_length CHECK (char_length(key) <= 100),
    ADD CONSTRAINT request_key_partition CHECK (partition BETWEEN 0 AND 1023);
ALTER TABLE foodorder_router.request_key ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_customer ON foodorder_router.request_key FOR SELECT
    USING (foodorder_router.may_act_for(customer_id));
CREATE POLICY own_customer_claim ON foodorder_router.request_key FOR INSERT
    WITH CHECK (foodorder_router.may_act_for(customer_id));
GRANT SELECT, INSERT (customer_id, key, partition) ON foodorder_router.request_key TO PUBLIC;

-- After each claim: past 1000 claims of the customer, those older than a
-- day are forgotten, and more than 1000 younger ones is 54000 (a claim is kept only when the
-- call that made it succeeded, so these are the customer's keyed orders
-- through this router in the last 24 hours).  Under a lock
-- per customer, so concurrent claims are counted one after the other.  As
-- the owner (a trigger function cannot be called otherwise), after
-- row-level security let the claim in.
CREATE FUNCTION foodorder_router.count_claims() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    bound constant integer := 1000;
    claims bigint;
    gone bigint;
BEGIN
    PERFORM pg_advisory_xact_lock('foodorder_router.request_key'::regclass::oid::integer,
                                  hashint8(NEW.customer_id));
    SELECT count(*) INTO claims FROM foodorder_router.request_key k WHERE k.customer_id = NEW.customer_id;
    IF claims > bound THEN
        DELETE FROM foodorder_router.request_key k
         WHERE k.customer_id = NEW.customer_id AND k.claimed_at < now() - interval '1 day';
        GET DIAGNOSTICS gone = ROW_COUNT;
        IF claims - gone > bound THEN
            RAISE EXCEPTION 'customer % has more than % request keys of the last day', NEW.customer_id, bound
                USING ERRCODE = '54000',
                      DETAIL = format('The router remembers each keyed order''s key for a day, at most %s per customer.',
                                      bound),
                      HINT = 'Order without a request_key, or retry later.';
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER count_claims AFTER INSERT ON foodorder_router.request_key
    FOR EACH ROW EXECUTE FUNCTION foodorder_router.count_claims();

-- Where the call with this customer's key goes (see 1.2): as the caller.
-- A key longer than a node allows is refused as a node refuses it.  A
-- caller that may not act for the customer claims nothing and learns
-- nothing: its call goes where its dishes are, whose partition refuses it
-- (42501), as one node would.
CREATE OR REPLACE FUNCTION foodorder_router.key_partition(customer bigint, key text, part integer)
RETURNS integer LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    home integer;
BEGIN
    IF customer IS NULL OR key IS NULL THEN
        RETURN part;
    END IF;
    IF char_length(key) > 100 THEN
        RAISE EXCEPTION 'request_key may have at most 100 characters'
            USING ERRCODE = '22001',
                  DETAIL = format('The request_key given has %s.', char_length(key));
    END IF;
    IF NOT foodorder_router.may_act_for(customer) THEN
        RETURN part;
    END IF;
    INSERT INTO foodorder_router.request_key AS k (customer_id, key, partition)
    VALUES (customer, key, part)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        RETURN part;
    END IF;
    SELECT k.partition INTO home FROM foodorder_router.request_key k
     WHERE k.customer_id = key_partition.customer AND k.key = key_partition.key;
    RETURN coalesce(home, part);
END
$$;

REVOKE ALL ON FUNCTION foodorder_router.count_claims() FROM PUBLIC;

-- (end of [request keys])

------------------------------------------------------------------------
-- [routing] partition_of, pinned below, in PL/pgSQL: a SQL function with
-- a SET clause is not inlined and is planned anew on every call (about
-- 10 us per routed call here); PL/pgSQL keeps its expression.
------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION foodorder_router.partition_of(id bigint) RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN coalesce((id OPERATOR(pg_catalog.&) 1023)::integer, 0);
END
$$;

-- (end of [routing])


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
-- Written and read as the caller, who sees and notes only the carts of
-- customers it may act for (as request keys): no role can make the router
-- forget another customer's lines, and so place a half order for it
-- while a node is down.
ALTER TABLE foodorder_router.cart_home ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_customer ON foodorder_router.cart_home
    USING (foodorder_router.may_act_for(customer_id))
    WITH CHECK (foodorder_router.may_act_for(customer_id));
GRANT SELECT, INSERT, UPDATE ON foodorder_router.cart_home TO PUBLIC;

CREATE FUNCTION foodorder_router.cart_noted(customer bigint, part integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF customer IS NULL OR part IS NULL OR NOT foodorder_router.may_act_for(customer) THEN
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
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
RETURN (SELECT h.version FROM foodorder_router.cart_home h WHERE h.customer_id = customer);

-- After a read that reached every partition but missing and found lines
-- on lines: the note made true (if no cart_set came in between), and the
-- partitions of missing that may hold lines returned.
CREATE FUNCTION foodorder_router.cart_seen(customer bigint, version bigint, missing integer[],
                                           lines integer[])
RETURNS integer[] LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    h foodorder_router.cart_home;
    kept integer[];
BEGIN
    IF customer IS NULL OR NOT foodorder_router.may_act_for(customer) THEN
        RETURN '{}';  -- the partitions refuse such a caller
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

------------------------------------------------------------------------
-- [pinned] Every function of the extension runs with search_path
-- pg_catalog, pg_temp, whatever the caller's: keep this section after
-- every section that makes functions, so that it covers them all.
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
                AND e.extname = 'foodorder_router'
                AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false) LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', f);
    END LOOP;
END
$$;

-- (end of [pinned])

------------------------------------------------------------------------
-- [sessions] After an update from 1.2 that dropped the server foodorder
-- ([cluster]): the other sessions of this database end, so that none
-- keeps a user mapping PL/Proxy read before.  Last, after every step
-- that could still fail.
------------------------------------------------------------------------

DO $$
BEGIN
    IF pg_catalog.current_setting('foodorder_router.end_sessions', true) = 'on' THEN
        PERFORM pg_catalog.pg_terminate_backend(a.pid)
           FROM pg_catalog.pg_stat_activity a
          WHERE a.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()
            AND a.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()
            AND a.backend_type OPERATOR(pg_catalog.=) 'client backend';
    END IF;
END
$$;

-- (end of [sessions])
