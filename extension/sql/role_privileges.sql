-- foodorder: what each kind of caller (app, customer, staff) may do, and
-- how a role gets exactly that (grants.sql grants the kinds).

-- What each kind may do.  sync_role_privileges() grants a role exactly
-- the union for the kinds it has, so revoking one kind keeps the others.
-- 1.1's list under the name 1.2 gave it; role_kind_privileges() adds to it.
CREATE FUNCTION foodorder.role_kind_privileges_1_1()
RETURNS TABLE (kind text, object_type text, object text, privilege text)
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    VALUES
    -- all three read the menu
    ('app', 'TABLE', 'foodorder.restaurant', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.restaurant', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.restaurant', 'SELECT'),
    ('app', 'TABLE', 'foodorder.dish', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.dish', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.dish', 'SELECT'),
    -- and the orders row-level security lets them see
    ('app', 'TABLE', 'foodorder.orders', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.orders', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.orders', 'SELECT'),
    ('app', 'TABLE', 'foodorder.order_item', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.order_item', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.order_item', 'SELECT'),
    ('app', 'TABLE', 'foodorder.status_change', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.status_change', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.status_change', 'SELECT'),
    ('app', 'TABLE', 'foodorder.address', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.address', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.address', 'SELECT'),
    ('app', 'TABLE', 'foodorder.cart_item', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.cart_item', 'SELECT'),
    ('app', 'TABLE', 'foodorder.customer', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.stock_change', 'SELECT'),
    -- the policies' helpers run as the reader
    ('app', 'FUNCTION', 'foodorder.caller_is_app()', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.caller_is_app()', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.caller_is_app()', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.caller_customer()', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.caller_customer()', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.caller_customer()', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.caller_restaurants()', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.caller_restaurants()', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.caller_restaurants()', 'EXECUTE'),
    -- ordering, for any customer (app) or as oneself (customer)
    ('app', 'FUNCTION', 'foodorder.place_order(bigint,bigint[],integer[],bigint,text,text)', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.place_order(bigint,bigint[],integer[],bigint,text,text)', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.place_order_from_cart(bigint,bigint,text,text)', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.place_order_from_cart(bigint,bigint,text,text)', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.cart_set(bigint,bigint,integer)', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.cart_set(bigint,bigint,integer)', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.cart(bigint)', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.cart(bigint)', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.cart_clear(bigint)', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.cart_clear(bigint)', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.add_address(bigint,text,text)', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.add_address(bigint,text,text)', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.add_customer(text)', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.customer_orders(bigint)', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.customer_orders(bigint)', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.cancel_order(bigint)', 'EXECUTE'),
    ('customer', 'FUNCTION', 'foodorder.cancel_order(bigint)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.cancel_order(bigint)', 'EXECUTE'),
    -- payment callbacks reach the app; the restaurant can record cash
    ('app', 'FUNCTION', 'foodorder.mark_paid(bigint)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.mark_paid(bigint)', 'EXECUTE'),
    ('app', 'FUNCTION', 'foodorder.refund_order(bigint)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.refund_order(bigint)', 'EXECUTE'),
    -- the restaurant's side
    ('staff', 'FUNCTION', 'foodorder.accept_order(bigint)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.reject_order(bigint)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.mark_ready(bigint)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.complete_order(bigint)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.restock(bigint,integer)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.add_dish(bigint,text,integer,integer,integer)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.set_price(bigint,integer)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.set_on_sale(bigint,boolean)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.set_daily_stock(bigint,integer)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.open_day(bigint)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.set_delivery_fee(bigint,integer)', 'EXECUTE')
$$;
REVOKE ALL ON FUNCTION foodorder.role_kind_privileges_1_1() FROM PUBLIC;

-- and since 1.2 the menu and making a dish hot; since 1.3 the payments
-- (mark_paid took an amount and a reference, so its 1.1 signature goes)
CREATE FUNCTION foodorder.role_kind_privileges()
RETURNS TABLE (kind text, object_type text, object text, privilege text)
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM foodorder.role_kind_privileges_1_1() k
     WHERE k.object OPERATOR(pg_catalog.<>) 'foodorder.mark_paid(bigint)'
    UNION ALL
    VALUES
    ('app', 'FUNCTION', 'foodorder.mark_paid(bigint,bigint,text)', 'EXECUTE'),
    ('staff', 'FUNCTION', 'foodorder.mark_paid(bigint,bigint,text)', 'EXECUTE'),
    ('app', 'TABLE', 'foodorder.payment', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.payment', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.payment', 'SELECT')
    UNION ALL
    VALUES
    ('app', 'TABLE', 'foodorder.menu', 'SELECT'),
    ('customer', 'TABLE', 'foodorder.menu', 'SELECT'),
    ('staff', 'TABLE', 'foodorder.menu', 'SELECT'),
    ('staff', 'FUNCTION', 'foodorder.set_hot(bigint,boolean)', 'EXECUTE')
$$;
REVOKE ALL ON FUNCTION foodorder.role_kind_privileges() FROM PUBLIC;

CREATE FUNCTION foodorder.sync_role_privileges(role regrole) RETURNS void
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kinds text[];
    p record;
BEGIN
    kinds := ARRAY[]::text[];
    IF EXISTS (SELECT FROM foodorder.app_role a WHERE a.role OPERATOR(pg_catalog.=) $1) THEN
        kinds := kinds || 'app'::text;
    END IF;
    IF EXISTS (SELECT FROM foodorder.customer_role c WHERE c.role OPERATOR(pg_catalog.=) $1) THEN
        kinds := kinds || 'customer'::text;
    END IF;
    IF EXISTS (SELECT FROM foodorder.staff_role s WHERE s.role OPERATOR(pg_catalog.=) $1) THEN
        kinds := kinds || 'staff'::text;
    END IF;

    FOR p IN SELECT k.object_type, k.object, k.privilege,
                    pg_catalog.bool_or(k.kind OPERATOR(pg_catalog.=) ANY (kinds)) AS granted
               FROM foodorder.role_kind_privileges() k
              GROUP BY 1, 2, 3
              ORDER BY 1, 2, 3
    LOOP
        EXECUTE format('%s %s ON %s %s %s %s',
                       CASE WHEN p.granted THEN 'GRANT' ELSE 'REVOKE' END,
                       p.privilege, p.object_type, p.object,
                       CASE WHEN p.granted THEN 'TO' ELSE 'FROM' END,
                       $1);
    END LOOP;
    EXECUTE format('%s USAGE ON SCHEMA foodorder %s %s',
                   CASE WHEN kinds OPERATOR(pg_catalog.<>) '{}' THEN 'GRANT' ELSE 'REVOKE' END,
                   CASE WHEN kinds OPERATOR(pg_catalog.<>) '{}' THEN 'TO' ELSE 'FROM' END,
                   $1);
END
$$;
REVOKE ALL ON FUNCTION foodorder.sync_role_privileges(regrole) FROM PUBLIC;
