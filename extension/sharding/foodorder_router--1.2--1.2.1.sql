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
