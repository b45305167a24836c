-- foodorder_router 1.2: the router database of a sharded foodorder.
-- Clients call the same foodorder.* functions as on one node; each runs on
-- the partition that holds its restaurant, through PL/Proxy, and the
-- tables read the partitions through postgres_fdw.
\echo Use "CREATE EXTENSION foodorder_router CASCADE" to load this file. \quit

-- Internals: the PL/Proxy functions, the foreign tables, the helpers.
CREATE SCHEMA foodorder_router;

-- The partitions, in PL/Proxy's order.  set_partitions() fills it.
CREATE TABLE foodorder_router.partition (
    partition integer PRIMARY KEY CHECK (partition BETWEEN 0 AND 1023),
    conninfo text NOT NULL
);
-- Roles that read the partitions' tables here, each through a user mapping
-- of its own: postgres_fdw has no "log in as the caller".
CREATE TABLE foodorder_router.reader (role name PRIMARY KEY);
SELECT pg_catalog.pg_extension_config_dump('foodorder_router.partition', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder_router.reader', '');

-- Customers and addresses are on every partition, under one id drawn here.
CREATE SEQUENCE foodorder_router.customer_id_seq;
CREATE SEQUENCE foodorder_router.address_id_seq;
-- New restaurants go round the partitions.
CREATE SEQUENCE foodorder_router.restaurant_placement_seq MINVALUE 0 START 0;
SELECT pg_catalog.pg_extension_config_dump('foodorder_router.customer_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder_router.address_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder_router.restaurant_placement_seq', '');


------------------------------------------------------------------------
-- Routing.  A restaurant's, dish's or order's id % 1024 is its partition
-- (foodorder_shard.configure draws them so); PL/Proxy then takes it
-- modulo the partition count.

CREATE FUNCTION foodorder_router.partition_of(id bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce((id OPERATOR(pg_catalog.&) 1023)::integer, 0);

-- As the owner: callers may not read the conninfos, but may count them.
CREATE FUNCTION foodorder_router.partition_count() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
RETURN (SELECT count(*)::integer FROM foodorder_router.partition);

-- An order goes where its dishes are.  Dishes of two partitions are of
-- two restaurants: refused here, as a node refuses dishes of two of its
-- restaurants.  Malformed arrays go to partition 0, which reports them
-- exactly as one node would.
CREATE FUNCTION foodorder_router.dish_partition(dishes bigint[]) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    first bigint := dishes[pg_catalog.array_lower(dishes, 1)];
    other bigint;
BEGIN
    IF first IS NULL THEN
        RETURN 0;
    END IF;
    SELECT d INTO other FROM pg_catalog.unnest(dishes) d
     WHERE foodorder_router.partition_of(d) OPERATOR(pg_catalog.<>)
           foodorder_router.partition_of(first)
     LIMIT 1;
    IF other IS NOT NULL THEN
        RAISE EXCEPTION 'an order cannot have dishes of more than one restaurant'
            USING ERRCODE = '22023',
                  DETAIL = pg_catalog.format('Dish %s and dish %s are of restaurants on different nodes.',
                                             first, other),
                  HINT = 'Place one order per restaurant.';
    END IF;
    RETURN foodorder_router.partition_of(first);
END
$$;

CREATE FUNCTION foodorder_router.next_restaurant_partition() RETURNS integer
LANGUAGE sql VOLATILE
RETURN (pg_catalog.nextval('foodorder_router.restaurant_placement_seq')
        OPERATOR(pg_catalog.%) foodorder_router.partition_count())::integer;

-- A request key belongs to the partition of the order it placed: a
-- partition knows only its own keys, so the first call with a customer's
-- key claims it here, and every later call with that customer and key goes
-- to that partition, which answers as one node does (the same order for a
-- retry, OR004 for other dishes: a node looks at the key before the
-- dishes).  The claim is made in the caller's transaction, so a refused
-- call (raised again here) drops it, and a concurrent call with the same
-- key waits for it on the primary key, as on one node.  Unlogged: a claim
-- is not worth a WAL flush per order; after a crash of the router, and
-- for keys older than a day (expire_orders prunes them), a key reused with
-- dishes of another partition places an order there.
CREATE UNLOGGED TABLE foodorder_router.request_key (
    customer_id bigint NOT NULL,
    key text NOT NULL,
    partition integer NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (customer_id, key)
);

CREATE FUNCTION foodorder_router.key_partition(customer bigint, key text, part integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    home integer;
BEGIN
    IF customer IS NULL OR key IS NULL THEN
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

-- A partition's refusal, raised here with its SQLSTATE, message, detail
-- and hint as they were.
CREATE FUNCTION foodorder_router.raise_remote(code text, message text, detail text, hint text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    detail := NULLIF(detail, '');
    hint := NULLIF(hint, '');
    IF detail IS NOT NULL AND hint IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, DETAIL = detail, HINT = hint;
    ELSIF detail IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, DETAIL = detail;
    ELSIF hint IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, HINT = hint;
    ELSE
        RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
    END IF;
END
$$;

-- Raises the first refusal among the rows of one PL/Proxy call.
CREATE FUNCTION foodorder_router.raise_any(outcomes jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    o jsonb;
BEGIN
    FOR o IN SELECT * FROM jsonb_array_elements(outcomes) LOOP
        IF o->>'err_code' IS NOT NULL THEN
            PERFORM foodorder_router.raise_remote(o->>'err_code', o->>'err_message',
                                                  o->>'err_detail', o->>'err_hint');
        END IF;
    END LOOP;
END
$$;

-- An error PL/Proxy passed on: raised again with its SQLSTATE, without
-- PL/Proxy's prefixes.  PL/Proxy reports a partition it cannot reach, or
-- loses, as XX000 (internal_error); clients get the connection class
-- instead, as postgres_fdw gives for reads: 08001 when the call never
-- reached the partition, 08006 when the connection broke during it.  A
-- role the partition's node does not know was never granted anything
-- through the router (grants create it there): 42501, as on one node, not
-- a retry later.
CREATE FUNCTION foodorder_router.raise_clean(code text, message text, detail text, hint text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    partition text := substring(message FROM '^PL/Proxy function [^:]*: \[([^]]*)\]');
    unknown_role text := substring(message FROM '\] PQconnect.*FATAL: +role "([^"]*)" does not exist');
BEGIN
    IF code = 'XX000' AND partition IS NOT NULL AND unknown_role IS NOT NULL THEN
        RAISE EXCEPTION 'role "%" may not call foodorder functions on partition database %',
                        unknown_role, partition
            USING ERRCODE = '42501',
                  DETAIL = 'The role does not exist on that node: it was never granted a kind of caller.',
                  HINT = 'Grant it through the router: grant_app, grant_customer or grant_staff.';
    ELSIF code = 'XX000' AND partition IS NOT NULL AND message ~ '\] PQconnect' THEN
        RAISE EXCEPTION 'could not connect to partition database %', partition
            USING ERRCODE = '08001',
                  DETAIL = pg_catalog.regexp_replace(message, '^.*?\] PQconnect\w*: ', ''),
                  HINT = 'Nothing was done. Restaurants of the other partitions keep ordering; '
                         'retry when its node is back.';
    ELSIF code = 'XX000' AND partition IS NOT NULL AND message !~ 'REMOTE ERROR' THEN
        RAISE EXCEPTION 'lost the connection to partition database %', partition
            USING ERRCODE = '08006',
                  DETAIL = pg_catalog.regexp_replace(message, '^.*?\] ', ''),
                  HINT = 'The call may have been done there: retry place_order with the same request_key.';
    END IF;
    PERFORM foodorder_router.raise_remote(
        code,
        pg_catalog.regexp_replace(message, '^.*?REMOTE ERROR: ', ''),
        pg_catalog.regexp_replace(detail, '^Remote detail: ', ''),
        pg_catalog.regexp_replace(hint, '^Remote hint: ', ''));
END
$$;

------------------------------------------------------------------------
-- The functions.  For each foodorder.<f> of a node, a PL/Proxy function
-- foodorder_router.<f> calls foodorder_shard.call_<f> on one partition
-- (`part`) or all, and a foodorder.<f> with <f>'s own signature picks the
-- partition and raises what comes back.
--   route: an expression of the arguments giving the partition, or 'ALL'
--   total: for 'ALL', the results are added up

CREATE FUNCTION foodorder_router.define(name text, args text, returns text, strict boolean,
                                        route text, total boolean DEFAULT false)
RETURNS void LANGUAGE plpgsql AS $def$
DECLARE
    bare_args text := regexp_replace(args, '\s+DEFAULT\s+[^,]+', '', 'g');
    arg_names text;
    result_type text := CASE WHEN returns = 'void' THEN 'text' ELSE returns END;
    on_all boolean := route = 'ALL';
    proxy_call text;
BEGIN
    SELECT string_agg(split_part(trim(a), ' ', 1), ', ') INTO arg_names
      FROM unnest(string_to_array(bare_args, ',')) a;
    EXECUTE format($f$
        CREATE FUNCTION foodorder_router.%I(%s %s, lock_timeout text)
        RETURNS TABLE (result %s, err_code text, err_message text, err_detail text, err_hint text)
        LANGUAGE plproxy AS $body$
            CLUSTER 'foodorder';
            RUN ON %s;
            SELECT * FROM foodorder_shard.%I(%s, lock_timeout);
        $body$ $f$,
        name, CASE WHEN on_all THEN '' ELSE 'part integer,' END, bare_args,
        result_type,
        CASE WHEN on_all THEN 'ALL' ELSE 'part' END, 'call_' || name, arg_names);
    proxy_call := format('foodorder_router.%I(%s%s, pg_catalog.current_setting(''lock_timeout''))',
                         name, CASE WHEN on_all THEN '' ELSE route || ', ' END, arg_names);
    EXECUTE format($f$
        CREATE FUNCTION foodorder.%I(%s) RETURNS %s
        LANGUAGE plpgsql %s AS $body$
        DECLARE
            r record;
            total bigint;
            err_code text;
            err_message text;
            err_detail text;
            err_hint text;
        BEGIN
            BEGIN
                FOR r IN SELECT * FROM %s LOOP
                    IF r.err_code IS NOT NULL AND err_code IS NULL THEN
                        err_code := r.err_code;
                        err_message := r.err_message;
                        err_detail := r.err_detail;
                        err_hint := r.err_hint;
                    END IF;
                    total := coalesce(total, 0) + %s;
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
        name, args, returns, CASE WHEN strict THEN 'STRICT' ELSE '' END, proxy_call,
        CASE WHEN total THEN 'r.result' ELSE '0' END,
        CASE WHEN returns = 'void' THEN ''
             WHEN total THEN format('total::%s', returns)
             ELSE 'r.result' END);
END
$def$;

SELECT foodorder_router.define(name, args, returns, strict, route, total)
  FROM (VALUES
    ('place_order', 'customer bigint, dishes bigint[], quantities integer[], address bigint DEFAULT NULL, pay_method text DEFAULT NULL, request_key text DEFAULT NULL',
     'bigint', false,
     'foodorder_router.key_partition(customer, request_key, foodorder_router.dish_partition(dishes))', false),
    ('place_order_from_cart', 'customer bigint, address bigint DEFAULT NULL, pay_method text DEFAULT NULL, request_key text DEFAULT NULL',
     'bigint', false, 'foodorder_router.cart_partition(customer, request_key)', false),
    ('cart_set', 'customer bigint, dish bigint, quantity integer', 'void', false,
     'foodorder_router.partition_of(dish)', false),
    ('cart_clear', 'customer bigint', 'integer', true, 'ALL', true),
    ('accept_order', 'order_id bigint', 'boolean', true, 'foodorder_router.partition_of(order_id)', false),
    ('mark_ready', 'order_id bigint', 'boolean', true, 'foodorder_router.partition_of(order_id)', false),
    ('complete_order', 'order_id bigint', 'boolean', true, 'foodorder_router.partition_of(order_id)', false),
    ('cancel_order', 'order_id bigint', 'boolean', true, 'foodorder_router.partition_of(order_id)', false),
    ('reject_order', 'order_id bigint', 'boolean', true, 'foodorder_router.partition_of(order_id)', false),
    ('mark_paid', 'order_id bigint', 'boolean', true, 'foodorder_router.partition_of(order_id)', false),
    ('refund_order', 'order_id bigint', 'boolean', true, 'foodorder_router.partition_of(order_id)', false),
    ('expire_orders', 'older_than interval', 'integer', true, 'ALL', true),
    ('add_restaurant', 'name text, delivery_fee_cents integer DEFAULT 0', 'bigint', true,
     'foodorder_router.next_restaurant_partition()', false),
    ('set_delivery_fee', 'restaurant bigint, delivery_fee_cents integer', 'void', true,
     'foodorder_router.partition_of(restaurant)', false),
    ('open_day', 'restaurant bigint', 'integer', true, 'foodorder_router.partition_of(restaurant)', false),
    ('add_dish', 'restaurant bigint, name text, price_cents integer, stock integer DEFAULT 0, daily_stock integer DEFAULT NULL',
     'bigint', false, 'foodorder_router.partition_of(restaurant)', false),
    ('set_price', 'dish bigint, price_cents integer', 'void', true, 'foodorder_router.partition_of(dish)', false),
    ('restock', 'dish bigint, quantity integer', 'integer', true, 'foodorder_router.partition_of(dish)', false),
    ('set_on_sale', 'dish bigint, on_sale boolean', 'void', true, 'foodorder_router.partition_of(dish)', false),
    ('set_daily_stock', 'dish bigint, daily_stock integer', 'void', false, 'foodorder_router.partition_of(dish)', false),
    ('set_hot', 'dish bigint, hot boolean DEFAULT true', 'void', false, 'foodorder_router.partition_of(dish)', false),
    -- internal: what the functions below build on
    ('put_customer', 'id bigint, name text', 'bigint', false, 'ALL', false),
    ('put_address', 'id bigint, customer bigint, detail text, label text', 'bigint', false, 'ALL', false),
    ('grant_role', 'kind text, role name, target bigint', 'void', false, 'ALL', false),
    ('revoke_role', 'kind text, role name, target bigint', 'void', false, 'ALL', false)
  ) AS f (name, args, returns, strict, route, total);
-- grant_role and revoke_role also on one partition: a staff role's restaurant
CREATE FUNCTION foodorder_router.grant_role_on(part integer, kind text, role name, target bigint,
                                               lock_timeout text)
RETURNS TABLE (result text, err_code text, err_message text, err_detail text, err_hint text)
LANGUAGE plproxy AS $$
    CLUSTER 'foodorder';
    RUN ON part;
    SELECT * FROM foodorder_shard.call_grant_role(kind, role, target, lock_timeout);
$$;
CREATE FUNCTION foodorder_router.revoke_role_on(part integer, kind text, role name, target bigint,
                                                lock_timeout text)
RETURNS TABLE (result text, err_code text, err_message text, err_detail text, err_hint text)
LANGUAGE plproxy AS $$
    CLUSTER 'foodorder';
    RUN ON part;
    SELECT * FROM foodorder_shard.call_revoke_role(kind, role, target, lock_timeout);
$$;
-- The generated foodorder.put_* and foodorder.*_role are internal steps.
DROP FUNCTION foodorder.put_customer(bigint, text), foodorder.put_address(bigint, bigint, text, text),
              foodorder.grant_role(text, name, bigint), foodorder.revoke_role(text, name, bigint);
DROP FUNCTION foodorder_router.define(text, text, text, boolean, text, boolean);
-- expire_orders, run every minute, also forgets request keys older than a day
ALTER FUNCTION foodorder.expire_orders(interval) RENAME TO expire_orders_everywhere;
ALTER FUNCTION foodorder.expire_orders_everywhere(interval) SET SCHEMA foodorder_router;
CREATE FUNCTION foodorder.expire_orders(older_than interval) RETURNS integer
LANGUAGE plpgsql STRICT AS $$
BEGIN
    DELETE FROM foodorder_router.request_key k WHERE k.claimed_at < pg_catalog.now() - interval '1 day';
    RETURN foodorder_router.expire_orders_everywhere(older_than);
END
$$;

------------------------------------------------------------------------
-- The cart order goes where the cart is: the partition holding the
-- customer's cart lines, or the one where its request key already placed
-- an order (a retry after the cart was emptied).

CREATE FUNCTION foodorder_router.cart_here(customer bigint, request_key text)
RETURNS TABLE (partition integer, lines integer, keyed_order bigint)
LANGUAGE plproxy AS $$
    CLUSTER 'foodorder';
    RUN ON ALL;
    SELECT * FROM foodorder_shard.cart_here(customer, request_key);
$$;

CREATE FUNCTION foodorder_router.cart_partition(customer bigint, request_key text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    keyed integer;
    keyed_order bigint;
    carts integer[];
BEGIN
    IF customer IS NULL THEN
        RETURN 0;
    END IF;
    SELECT min(h.partition) FILTER (WHERE h.keyed_order IS NOT NULL), min(h.keyed_order),
           array_agg(h.partition ORDER BY h.partition) FILTER (WHERE h.lines > 0)
      INTO keyed, keyed_order, carts
      FROM foodorder_router.cart_here(customer, request_key) h;
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
    RETURN foodorder_router.key_partition(customer, request_key, coalesce(keyed, carts[1], 0));
END
$$;

------------------------------------------------------------------------
-- Customers and addresses: drawn here, written to every partition before
-- the id is returned, so an order on any node finds a customer the moment
-- add_customer returns.  A partition that is down fails the call (the id is
-- never returned; the rows the others got are never used, and verify()
-- names them).

CREATE FUNCTION foodorder_router.forget_on(part integer, kind text, id bigint) RETURNS boolean
LANGUAGE plproxy AS $$
    CLUSTER 'foodorder';
    RUN ON part;
    SELECT foodorder_shard.forget(kind, id);
$$;

-- After a write-through that failed: remove the row from every partition
-- that can be reached, one by one, so one that is down stops none.
CREATE FUNCTION foodorder_router.forget_everywhere(kind text, id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    p integer;
BEGIN
    FOR p IN 0 .. foodorder_router.partition_count() - 1 LOOP
        BEGIN
            PERFORM foodorder_router.forget_on(p, kind, id);
        EXCEPTION WHEN OTHERS THEN
            NULL;  -- unreachable: it never got the row, or verify() names it
        END;
    END LOOP;
END
$$;

-- Writes a customer (value: its name) or an address (value, label: its
-- detail and label) under id to every partition; returns id.
CREATE FUNCTION foodorder_router.write_through(kind text, id bigint, customer bigint,
                                               value text, label text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    lt text := pg_catalog.current_setting('lock_timeout');
    outcomes jsonb;
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    IF kind = 'customer' THEN
        SELECT jsonb_agg(o) INTO outcomes FROM foodorder_router.put_customer(id, value, lt) o;
    ELSE
        SELECT jsonb_agg(o) INTO outcomes
          FROM foodorder_router.put_address(id, customer, value, label, lt) o;
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

CREATE FUNCTION foodorder.add_customer(name text) RETURNS bigint
LANGUAGE sql STRICT
RETURN foodorder_router.write_through('customer', pg_catalog.nextval('foodorder_router.customer_id_seq'),
                                      NULL, name, NULL);

CREATE FUNCTION foodorder.add_address(customer bigint, detail text, label text DEFAULT NULL)
RETURNS bigint LANGUAGE sql
RETURN foodorder_router.write_through('address', pg_catalog.nextval('foodorder_router.address_id_seq'),
                                      customer, detail, label);

------------------------------------------------------------------------
-- Reads.  Each table is a partitioned table here whose partitions are
-- the partitions' tables, through postgres_fdw (set_partitions() attaches
-- them); customers and addresses, the same everywhere, are read from
-- partition 0.  Row-level security applies on the partitions, to the
-- caller: each reader has a user mapping of its own (grant_* makes it).

CREATE TABLE foodorder.restaurant (id bigint, name text, delivery_fee_cents integer,
                                   created_at timestamptz) PARTITION BY LIST ((id % 1024));
CREATE TABLE foodorder.dish (id bigint, name text, price_cents integer, stock integer, sold integer,
                             created_at timestamptz, restaurant_id bigint, on_sale boolean,
                             daily_stock integer, hot boolean) PARTITION BY LIST ((id % 1024));
CREATE TABLE foodorder.menu (id bigint, restaurant_id bigint, name text, price_cents integer,
                             stock integer, sold integer, on_sale boolean, daily_stock integer,
                             hot boolean) PARTITION BY LIST ((id % 1024));
CREATE TABLE foodorder.orders (id bigint, customer_id bigint, status text, total_count integer,
                               total_cents bigint, address_id bigint, pay_method text,
                               request_key text, created_at timestamptz, order_no text,
                               restaurant_id bigint, pay_status text, delivery_fee_cents integer,
                               updated_at timestamptz) PARTITION BY LIST ((id % 1024));
CREATE TABLE foodorder.order_item (order_id bigint, dish_id bigint, quantity integer,
                                   price_cents integer) PARTITION BY LIST ((order_id % 1024));
CREATE TABLE foodorder.cart_item (customer_id bigint, dish_id bigint, quantity integer,
                                  added_at timestamptz) PARTITION BY LIST ((dish_id % 1024));
CREATE TABLE foodorder.status_change (id bigint, order_id bigint, field text, from_value text,
                                      to_value text, changed_by name, changed_at timestamptz)
    PARTITION BY LIST ((id % 1024));
CREATE TABLE foodorder.stock_change (id bigint, dish_id bigint, delta integer, stock_after integer,
                                     reason text, order_id bigint, changed_by name,
                                     changed_at timestamptz) PARTITION BY LIST ((id % 1024));
CREATE TABLE foodorder.customer (id bigint, name text, created_at timestamptz)
    PARTITION BY LIST ((id % 1024));
CREATE TABLE foodorder.address (id bigint, customer_id bigint, label text, detail text,
                                created_at timestamptz) PARTITION BY LIST ((id % 1024));

CREATE FUNCTION foodorder_router.read_tables() RETURNS text[]
LANGUAGE sql IMMUTABLE
RETURN ARRAY['restaurant', 'dish', 'menu', 'orders', 'order_item', 'cart_item',
             'status_change', 'stock_change', 'customer', 'address'];

-- A role reads through its own user mapping on each partition's server.
-- The password, if the partitions ask for one, goes into the mapping
-- (ALTER USER MAPPING ... OPTIONS (ADD password '...')).
CREATE FUNCTION foodorder_router.map_reader(role name, part integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE USER MAPPING IF NOT EXISTS FOR %I SERVER %I
                    OPTIONS (user %L, password_required ''false'')',
                   role, 'foodorder_p' || part, role);
END
$$;

CREATE FUNCTION foodorder_router.add_reader(role name) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    p integer;
BEGIN
    INSERT INTO foodorder_router.reader VALUES (role) ON CONFLICT DO NOTHING;
    FOR p IN SELECT partition FROM foodorder_router.partition LOOP
        PERFORM foodorder_router.map_reader(role, p);
    END LOOP;
    EXECUTE format('GRANT USAGE ON SCHEMA foodorder TO %I', role);
    EXECUTE format('GRANT SELECT ON %s TO %I',
                   (SELECT string_agg('foodorder.' || t, ', ')
                      FROM unnest(foodorder_router.read_tables()) t), role);
END
$$;

-- Points partition p (0, 1, ...) of the deployment at conninfos[p + 1]
-- ('host=... port=... dbname=...'), for PL/Proxy and postgres_fdw alike.
-- The count is a power of two (PL/Proxy takes the hash modulo it) and may
-- only grow; moving a partition to another node is calling it again with
-- that partition's new conninfo.  Returns the partition count.
CREATE FUNCTION foodorder.set_partitions(conninfos text[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer := coalesce(pg_catalog.cardinality(conninfos), 0);
    old integer := foodorder_router.partition_count();
    p integer;
    server text;
    options text;
    t text;
    role name;
    cluster_options text;
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
        cluster_options := concat_ws(', ', cluster_options,
                                     format('%s %I %L', CASE WHEN p < old THEN 'SET' ELSE 'ADD' END,
                                            'p' || p, conninfos[p + 1]));
    END LOOP;
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
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION foodorder.set_partitions(text[]) FROM PUBLIC;

------------------------------------------------------------------------
-- Roles: granted on every partition (PL/Proxy creates nothing, so a role
-- missing on a node is created there, LOGIN, by the owner's call), and a
-- user mapping here to read through.  A staff role is staff on its
-- restaurant's partition and a reader (no rows) on the others.


CREATE FUNCTION foodorder_router.change_role(kind text, role name, target bigint, revoking boolean)
RETURNS void LANGUAGE plpgsql AS $$
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
          FROM foodorder_router.grant_role_on(foodorder_router.partition_of(target),
                                              kind, role, target, lt) o;
    ELSIF kind = 'staff' THEN
        SELECT jsonb_agg(o) INTO outcomes
          FROM foodorder_router.revoke_role_on(foodorder_router.partition_of(target),
                                               kind, role, target, lt) o;
    END IF;
    PERFORM foodorder_router.raise_any(outcomes);
    IF kind = 'staff' THEN
        kind := 'reader';
        target := NULL;
    END IF;
    IF NOT revoking THEN
        SELECT jsonb_agg(o) INTO outcomes FROM foodorder_router.grant_role(kind, role, target, lt) o;
    ELSE
        SELECT jsonb_agg(o) INTO outcomes FROM foodorder_router.revoke_role(kind, role, target, lt) o;
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

CREATE FUNCTION foodorder.grant_app(role name) RETURNS void LANGUAGE sql
BEGIN ATOMIC SELECT foodorder_router.change_role('app', role, NULL, false); END;
CREATE FUNCTION foodorder.revoke_app(role name) RETURNS void LANGUAGE sql
BEGIN ATOMIC SELECT foodorder_router.change_role('app', role, NULL, true); END;
CREATE FUNCTION foodorder.grant_customer(role name, customer bigint) RETURNS void LANGUAGE sql
BEGIN ATOMIC SELECT foodorder_router.change_role('customer', role, customer, false); END;
CREATE FUNCTION foodorder.revoke_customer(role name) RETURNS void LANGUAGE sql
BEGIN ATOMIC SELECT foodorder_router.change_role('customer', role, NULL, true); END;
CREATE FUNCTION foodorder.grant_staff(role name, restaurant bigint) RETURNS void LANGUAGE sql
BEGIN ATOMIC SELECT foodorder_router.change_role('staff', role, restaurant, false); END;
CREATE FUNCTION foodorder.revoke_staff(role name, restaurant bigint) RETURNS void LANGUAGE sql
BEGIN ATOMIC SELECT foodorder_router.change_role('staff', role, restaurant, true); END;

------------------------------------------------------------------------
-- Functions that read: run on every partition, the rows merged here.
-- They raise what a partition raised, without PL/Proxy's prefixes (a
-- refused read costs PL/Proxy a reconnect to that partition; reads are
-- refused only for a role asking what it may not see).

CREATE FUNCTION foodorder_router.cart(customer bigint)
RETURNS TABLE (dish_id bigint, name text, quantity integer, price_cents integer,
               line_cents bigint, on_sale boolean, restaurant_id bigint)
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON ALL; TARGET foodorder.cart; $$;

CREATE FUNCTION foodorder.cart(customer bigint)
RETURNS TABLE (dish_id bigint, name text, quantity integer, price_cents integer,
               line_cents bigint, on_sale boolean, restaurant_id bigint)
LANGUAGE plpgsql STRICT AS $$
DECLARE
    err_code text;
    err_message text;
    err_detail text;
    err_hint text;
BEGIN
    RETURN QUERY SELECT * FROM foodorder_router.cart(customer) c ORDER BY c.dish_id;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                            err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    PERFORM foodorder_router.raise_clean(err_code, err_message, err_detail, err_hint);
END
$$;

CREATE FUNCTION foodorder_router.customer_orders(customer bigint) RETURNS SETOF foodorder.orders
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON ALL; TARGET foodorder.customer_orders; $$;

-- Newest first across the nodes: by created_at, as ids of two partitions
-- are not in time order.
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

CREATE FUNCTION foodorder_router.caller_restaurants() RETURNS SETOF bigint
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON ALL; TARGET foodorder.caller_restaurants; $$;
CREATE FUNCTION foodorder_router.caller_is_app() RETURNS boolean
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON ANY; TARGET foodorder.caller_is_app; $$;
CREATE FUNCTION foodorder_router.caller_customer() RETURNS bigint
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON ANY; TARGET foodorder.caller_customer; $$;

CREATE FUNCTION foodorder.caller_restaurants() RETURNS SETOF bigint
LANGUAGE sql STABLE
RETURN foodorder_router.caller_restaurants();
CREATE FUNCTION foodorder.caller_is_app() RETURNS boolean
LANGUAGE sql STABLE
RETURN foodorder_router.caller_is_app();
CREATE FUNCTION foodorder.caller_customer() RETURNS bigint
LANGUAGE sql STABLE
RETURN foodorder_router.caller_customer();
-- The role a partition sees: PL/Proxy logs in as current_user.
CREATE FUNCTION foodorder.calling_role() RETURNS regrole
LANGUAGE sql STABLE
RETURN current_user::regrole;

------------------------------------------------------------------------
-- verify(): every partition's invariants (each detail names its
-- partition), and what holds across them: the same customers and
-- addresses everywhere, and a partition for every number below the count.

CREATE FUNCTION foodorder_router.verify() RETURNS TABLE (invariant text, detail text)
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON ALL; TARGET foodorder_shard.verify; $$;
CREATE FUNCTION foodorder_router.shared_rows()
RETURNS TABLE (partition integer, customers bigint, addresses bigint, digest text)
LANGUAGE plproxy AS $$ CLUSTER 'foodorder'; RUN ON ALL; TARGET foodorder_shard.shared_rows; $$;

CREATE FUNCTION foodorder.verify() RETURNS TABLE (invariant text, detail text)
LANGUAGE plpgsql AS $$
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
-- Who may call what.  The partitions decide: every function here runs as
-- the caller there, with the caller's EXECUTE privileges, kind and
-- row-level security, so callers need EXECUTE here only to get there.
-- The owner's functions stay the owner's.
REVOKE ALL ON FUNCTION foodorder.set_partitions(text[]), foodorder.verify(),
    foodorder.grant_app(name), foodorder.revoke_app(name),
    foodorder.grant_customer(name, bigint), foodorder.revoke_customer(name),
    foodorder.grant_staff(name, bigint), foodorder.revoke_staff(name, bigint),
    foodorder.add_restaurant(text, integer), foodorder.expire_orders(interval) FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA foodorder_router FROM PUBLIC;
GRANT USAGE ON SCHEMA foodorder, foodorder_router TO PUBLIC;
GRANT USAGE ON SEQUENCE foodorder_router.customer_id_seq, foodorder_router.address_id_seq TO PUBLIC;
GRANT EXECUTE ON FUNCTION
    foodorder_router.partition_of(bigint), foodorder_router.dish_partition(bigint[]),
    foodorder_router.cart_partition(bigint, text), foodorder_router.cart_here(bigint, text),
    foodorder_router.raise_remote(text, text, text, text),
    foodorder_router.raise_clean(text, text, text, text),
    foodorder_router.place_order(integer, bigint, bigint[], integer[], bigint, text, text, text),
    foodorder_router.place_order_from_cart(integer, bigint, bigint, text, text, text),
    foodorder_router.cart_set(integer, bigint, bigint, integer, text),
    foodorder_router.cart_clear(bigint, text),
    foodorder_router.accept_order(integer, bigint, text),
    foodorder_router.mark_ready(integer, bigint, text),
    foodorder_router.complete_order(integer, bigint, text),
    foodorder_router.cancel_order(integer, bigint, text),
    foodorder_router.reject_order(integer, bigint, text),
    foodorder_router.mark_paid(integer, bigint, text),
    foodorder_router.refund_order(integer, bigint, text),
    foodorder_router.set_delivery_fee(integer, bigint, integer, text),
    foodorder_router.open_day(integer, bigint, text),
    foodorder_router.add_dish(integer, bigint, text, integer, integer, integer, text),
    foodorder_router.set_price(integer, bigint, integer, text),
    foodorder_router.restock(integer, bigint, integer, text),
    foodorder_router.set_on_sale(integer, bigint, boolean, text),
    foodorder_router.set_daily_stock(integer, bigint, integer, text),
    foodorder_router.set_hot(integer, bigint, boolean, text),
    foodorder_router.put_customer(bigint, text, text),
    foodorder_router.put_address(bigint, bigint, text, text, text),
    foodorder_router.forget_on(integer, text, bigint),
    foodorder_router.forget_everywhere(text, bigint),
    foodorder_router.write_through(text, bigint, bigint, text, text),
    foodorder_router.key_partition(bigint, text, integer),
    foodorder_router.raise_any(jsonb),
    foodorder_router.partition_count(),
    foodorder_router.cart(bigint), foodorder_router.customer_orders(bigint),
    foodorder_router.caller_restaurants(), foodorder_router.caller_is_app(),
    foodorder_router.caller_customer()
TO PUBLIC;
