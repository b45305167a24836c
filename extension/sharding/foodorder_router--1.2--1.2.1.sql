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

-- Attaches partition p's tables, on server foodorder_p<p> (made anew by
-- set_partitions), as partitions of the router's tables, and maps every
-- reader to it.
CREATE FUNCTION foodorder_router.attach_reads(p integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    server text := 'foodorder_p' || p;
    t text;
    role name;
BEGIN
    FOREACH t IN ARRAY foodorder_router.read_tables() LOOP
        IF t IN ('customer', 'address') AND p <> 0 THEN
            CONTINUE;
        END IF;
        EXECUTE format('CREATE FOREIGN TABLE foodorder_router.%I PARTITION OF foodorder.%I %s
                        SERVER %I OPTIONS (schema_name ''foodorder'', table_name %L)',
                       t || '_p' || p, t,
                       CASE WHEN t IN ('customer', 'address') THEN 'DEFAULT'
                            ELSE format('FOR VALUES IN (%s)', p) END,
                       server, t);
    END LOOP;
    PERFORM foodorder_router.map_reader(current_user, p);
    FOR role IN SELECT r.role FROM foodorder_router.reader r LOOP
        PERFORM foodorder_router.map_reader(role, p);
    END LOOP;
END
$$;

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
