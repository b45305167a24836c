-- foodorder: the owner's functions that make a role an app, a customer or
-- staff of a restaurant, and undo it.

-- The role named exactly so: a name is not an identifier to be folded or
-- unquoted (grant_app('Web') means the role "Web", not web).
CREATE FUNCTION foodorder.role_named(role name) RETURNS regrole
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found oid;
BEGIN
    IF role IS NULL THEN
        RAISE EXCEPTION 'role must not be null' USING ERRCODE = '22004';
    END IF;
    SELECT r.oid INTO found FROM pg_catalog.pg_roles r WHERE r.rolname = role;
    IF found IS NULL THEN
        RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = '42704';
    END IF;
    RETURN found::regrole;
END
$$;
REVOKE ALL ON FUNCTION foodorder.role_named(name) FROM PUBLIC;

CREATE FUNCTION foodorder.grant_app(role name) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r regrole := foodorder.role_named(role);
BEGIN
    INSERT INTO foodorder.app_role (role) VALUES (r) ON CONFLICT DO NOTHING;
    PERFORM foodorder.sync_role_privileges(r);
END
$$;
CREATE FUNCTION foodorder.revoke_app(role name) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r regrole := foodorder.role_named(role);
BEGIN
    DELETE FROM foodorder.app_role a WHERE a.role OPERATOR(pg_catalog.=) r;
    PERFORM foodorder.sync_role_privileges(r);
END
$$;
CREATE FUNCTION foodorder.grant_customer(role name, customer bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r regrole := foodorder.role_named(role);
BEGIN
    IF customer IS NULL THEN
        RAISE EXCEPTION 'customer must not be null' USING ERRCODE = '22004';
    END IF;
    IF NOT EXISTS (SELECT FROM foodorder.customer c WHERE c.id OPERATOR(pg_catalog.=) customer) THEN
        RAISE EXCEPTION 'customer % does not exist', customer USING ERRCODE = '23503';
    END IF;
    -- a role is at most one customer: granting again moves it
    INSERT INTO foodorder.customer_role AS c (role, customer_id) VALUES (r, customer)
    ON CONFLICT ON CONSTRAINT customer_role_pkey DO UPDATE SET customer_id = EXCLUDED.customer_id,
                                     granted_at = pg_catalog.now();
    PERFORM foodorder.sync_role_privileges(r);
END
$$;
CREATE FUNCTION foodorder.revoke_customer(role name) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r regrole := foodorder.role_named(role);
BEGIN
    DELETE FROM foodorder.customer_role c WHERE c.role OPERATOR(pg_catalog.=) r;
    PERFORM foodorder.sync_role_privileges(r);
END
$$;
CREATE FUNCTION foodorder.grant_staff(role name, restaurant bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r regrole := foodorder.role_named(role);
BEGIN
    IF restaurant IS NULL THEN
        RAISE EXCEPTION 'restaurant must not be null' USING ERRCODE = '22004';
    END IF;
    IF NOT EXISTS (SELECT FROM foodorder.restaurant x WHERE x.id OPERATOR(pg_catalog.=) restaurant) THEN
        RAISE EXCEPTION 'restaurant % does not exist', restaurant USING ERRCODE = '23503';
    END IF;
    INSERT INTO foodorder.staff_role (role, restaurant_id) VALUES (r, restaurant)
    ON CONFLICT DO NOTHING;
    PERFORM foodorder.sync_role_privileges(r);
END
$$;
CREATE FUNCTION foodorder.revoke_staff(role name, restaurant bigint) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r regrole := foodorder.role_named(role);
BEGIN
    IF restaurant IS NULL THEN
        RAISE EXCEPTION 'restaurant must not be null' USING ERRCODE = '22004';
    END IF;
    DELETE FROM foodorder.staff_role s
     WHERE s.role OPERATOR(pg_catalog.=) r
       AND s.restaurant_id OPERATOR(pg_catalog.=) restaurant;
    PERFORM foodorder.sync_role_privileges(r);
END
$$;
REVOKE ALL ON FUNCTION foodorder.grant_app(name) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.revoke_app(name) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.grant_customer(name, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.revoke_customer(name) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.grant_staff(name, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.revoke_staff(name, bigint) FROM PUBLIC;
COMMENT ON FUNCTION foodorder.grant_app(name) IS
'Owner: let role act for any customer (an application server)';
COMMENT ON FUNCTION foodorder.revoke_app(name) IS 'Owner: undo grant_app';
COMMENT ON FUNCTION foodorder.grant_customer(name, bigint) IS
'Owner: make role this customer: it orders, uses the cart and reads only as it';
COMMENT ON FUNCTION foodorder.revoke_customer(name) IS 'Owner: undo grant_customer';
COMMENT ON FUNCTION foodorder.grant_staff(name, bigint) IS
'Owner: make role staff of the restaurant: its menu, stock and orders';
COMMENT ON FUNCTION foodorder.revoke_staff(name, bigint) IS 'Owner: undo grant_staff';
