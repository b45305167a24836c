-- foodorder_shard: a partition database of a sharded foodorder (base.sql:
-- what 1.2 made, but the call_ functions and put_*, which api.sql makes).
-- The router (foodorder_router) calls these functions through PL/Proxy.

-- Which partition this database is.  Ids of restaurants, dishes, orders and
-- the logs are drawn here with a stride of 1024, so id % 1024 is the
-- partition: the router routes an id with no lookup, and ids stay unique
-- across the deployment while the partition count grows up to 1024.
CREATE TABLE foodorder_shard.partition (
    one bool PRIMARY KEY DEFAULT true CHECK (one),
    partition integer NOT NULL CHECK (partition BETWEEN 0 AND 1023)
);
SELECT pg_catalog.pg_extension_config_dump('foodorder_shard.partition', '');

-- Makes this database partition p: the sequences draw p, p + 1024, ...
-- after every id already used, and restaurant 1 (made by CREATE EXTENSION
-- foodorder) stays only on the partition its id routes to.  Run again after
-- restoring a dump of the partition: a dump keeps sequence values, not
-- their increments.
CREATE FUNCTION foodorder_shard.configure(p integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    seq text;
    top bigint;
BEGIN
    IF p IS NULL OR p NOT BETWEEN 0 AND 1023 THEN
        RAISE EXCEPTION 'partition must be between 0 and 1023, not %', p
            USING ERRCODE = '22023';
    END IF;
    INSERT INTO foodorder_shard.partition (partition) VALUES (p)
    ON CONFLICT (one) DO UPDATE SET partition = EXCLUDED.partition;
    FOREACH seq IN ARRAY ARRAY['restaurant', 'dish', 'orders', 'status_change', 'stock_change']
    LOOP
        EXECUTE format('SELECT greatest(max(id), (SELECT last_value FROM foodorder.%I))
                          FROM foodorder.%I', seq || '_id_seq', seq) INTO top;
        EXECUTE format('ALTER SEQUENCE foodorder.%I INCREMENT BY 1024 MINVALUE 0 RESTART WITH %s',
                       seq || '_id_seq', (top / 1024 + 1) * 1024 + p);
    END LOOP;
    IF p <> 1 THEN
        DELETE FROM foodorder.restaurant r
         WHERE r.id = 1
           AND NOT EXISTS (SELECT FROM foodorder.dish d WHERE d.restaurant_id = 1);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION foodorder_shard.configure(integer) FROM PUBLIC;

-- Undoes a put_customer or put_address whose write-through failed on
-- another partition (a node was down): the id was never returned, so
-- nothing refers to the row; one that something refers to is kept.
CREATE FUNCTION foodorder_shard.forget(kind text, id bigint) RETURNS boolean
LANGUAGE plpgsql STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT foodorder.caller_is_app()
       AND NOT pg_catalog.pg_has_role(foodorder.calling_role(), current_user, 'USAGE') THEN
        RAISE EXCEPTION 'permission denied to remove customers or addresses' USING ERRCODE = '42501';
    END IF;
    IF kind = 'customer' THEN
        DELETE FROM foodorder.customer c
         WHERE c.id = forget.id
           AND NOT EXISTS (SELECT FROM foodorder.address a WHERE a.customer_id = forget.id)
           AND NOT EXISTS (SELECT FROM foodorder.orders o WHERE o.customer_id = forget.id)
           AND NOT EXISTS (SELECT FROM foodorder.cart_item i WHERE i.customer_id = forget.id)
           AND NOT EXISTS (SELECT FROM foodorder.customer_role r WHERE r.customer_id = forget.id);
    ELSIF kind = 'address' THEN
        DELETE FROM foodorder.address a
         WHERE a.id = forget.id
           AND NOT EXISTS (SELECT FROM foodorder.orders o WHERE o.address_id = forget.id);
    ELSE
        RAISE EXCEPTION 'unknown kind %', kind USING ERRCODE = '22023';
    END IF;
    RETURN FOUND;
END
$$;

-- Roles.  PL/Proxy logs in to a partition as the caller, so a granted
-- role must exist on every node and may log in there.  A staff role reads
-- the router's tables, which read every partition: where its restaurant is
-- not, it gets the staff kind's SELECT privileges (row-level security shows
-- it nothing there) until a grant or revoke re-syncs the role.
CREATE FUNCTION foodorder_shard.grant_role(kind text, role name, target bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    p record;
BEGIN
    IF role IS NOT NULL AND NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = role) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN', role);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another partition on this node made it a moment ago
        END;
    END IF;
    CASE kind
    WHEN 'app' THEN
        PERFORM foodorder.grant_app(role);
    WHEN 'customer' THEN
        PERFORM foodorder.grant_customer(role, target);
    WHEN 'staff' THEN
        PERFORM foodorder.grant_staff(role, target);
    WHEN 'reader' THEN
        IF EXISTS (SELECT FROM foodorder.app_role a WHERE a.role = to_regrole(grant_role.role)
                   UNION ALL
                   SELECT FROM foodorder.customer_role c WHERE c.role = to_regrole(grant_role.role)
                   UNION ALL
                   SELECT FROM foodorder.staff_role s WHERE s.role = to_regrole(grant_role.role)) THEN
            RETURN;  -- its kinds here already give what it reads
        END IF;
        EXECUTE format('GRANT USAGE ON SCHEMA foodorder TO %I', role);
        FOR p IN SELECT k.object_type, k.object, k.privilege
                   FROM foodorder.role_kind_privileges() k
                  WHERE k.kind = 'staff'
                    AND (k.object_type = 'TABLE' OR k.object LIKE 'foodorder.caller\_%')
        LOOP
            EXECUTE format('GRANT %s ON %s %s TO %I', p.privilege, p.object_type, p.object, role);
        END LOOP;
    ELSE
        RAISE EXCEPTION 'unknown role kind %', kind USING ERRCODE = '22023';
    END CASE;
END
$$;
REVOKE ALL ON FUNCTION foodorder_shard.grant_role(text, name, bigint) FROM PUBLIC;

CREATE FUNCTION foodorder_shard.revoke_role(kind text, role name, target bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    CASE kind
    WHEN 'app' THEN
        PERFORM foodorder.revoke_app(role);
    WHEN 'customer' THEN
        PERFORM foodorder.revoke_customer(role);
    WHEN 'staff' THEN
        PERFORM foodorder.revoke_staff(role, target);
    WHEN 'reader' THEN
        -- back to exactly what its kinds here give: nothing, if it has none
        IF EXISTS (SELECT FROM pg_roles r WHERE r.rolname = role) THEN
            PERFORM foodorder.sync_role_privileges(role::regrole);
        END IF;
    ELSE
        RAISE EXCEPTION 'unknown role kind %', kind USING ERRCODE = '22023';
    END CASE;
END
$$;
REVOKE ALL ON FUNCTION foodorder_shard.revoke_role(text, name, bigint) FROM PUBLIC;

-- Where a cart order goes: how many cart lines the customer has here, and
-- the order its request key placed here, if any.  As the caller, so a
-- role sees only what row-level security shows it; one that may see
-- nothing gets (0, NULL), and the router then lets a partition refuse it.
CREATE FUNCTION foodorder_shard.cart_here(customer bigint, request_key text, OUT partition integer,
                                          OUT lines integer, OUT keyed_order bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    partition := (SELECT p.partition FROM foodorder_shard.partition p);
    BEGIN
        lines := (SELECT count(*) FROM foodorder.cart_item c WHERE c.customer_id = customer);
        keyed_order := (SELECT o.id FROM foodorder.orders o
                         WHERE o.customer_id = customer AND o.request_key = cart_here.request_key);
    EXCEPTION WHEN insufficient_privilege THEN
        lines := 0;
        keyed_order := NULL;
    END;
END
$$;

-- The partition's invariants: foodorder.verify(), and every id here routes
-- here.  Each detail names the partition.
CREATE FUNCTION foodorder_shard.verify() RETURNS TABLE (invariant text, detail text)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT v.invariant, format('partition %s: %s', p.partition, v.detail)
      FROM foodorder.verify() v, foodorder_shard.partition p
    UNION ALL
    SELECT 'every id of this partition routes to it',
           format('partition %s: %s %s routes to partition %s', p.partition, t.what, t.id, t.id % 1024)
      FROM foodorder_shard.partition p,
           LATERAL (SELECT 'restaurant' AS what, r.id FROM foodorder.restaurant r
                    UNION ALL SELECT 'dish', d.id FROM foodorder.dish d
                    UNION ALL SELECT 'order', o.id FROM foodorder.orders o) t
     WHERE t.id % 1024 <> p.partition
$$;

-- What the router compares across partitions: customers and addresses
-- must be the same rows everywhere.
CREATE FUNCTION foodorder_shard.shared_rows(OUT partition integer, OUT customers bigint,
                                            OUT addresses bigint, OUT digest text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT (SELECT p.partition FROM foodorder_shard.partition p),
           (SELECT count(*) FROM foodorder.customer),
           (SELECT count(*) FROM foodorder.address),
           md5((SELECT coalesce(string_agg(c.id || ':' || c.name, ',' ORDER BY c.id), '')
                  FROM foodorder.customer c)
               || '/' ||
               (SELECT coalesce(string_agg(a.id || ':' || a.customer_id || ':' || a.detail
                                           || ':' || coalesce(a.label, ''), ',' ORDER BY a.id), '')
                  FROM foodorder.address a))
$$;
REVOKE ALL ON FUNCTION foodorder_shard.shared_rows() FROM PUBLIC;

GRANT USAGE ON SCHEMA foodorder_shard TO PUBLIC;
-- which partition this is: no secret, and cart_here reads it as the caller
GRANT SELECT ON foodorder_shard.partition TO PUBLIC;
