-- foodorder: who may call.  Roles linked to the three kinds of caller,
-- and the checks the functions make of the role calling them.

CREATE TABLE foodorder.app_role (
    role        regrole PRIMARY KEY,
    granted_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE TABLE foodorder.customer_role (
    role        regrole PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES foodorder.customer (id),
    granted_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE TABLE foodorder.staff_role (
    role          regrole NOT NULL,
    restaurant_id bigint NOT NULL REFERENCES foodorder.restaurant (id),
    granted_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (role, restaurant_id)
);
COMMENT ON TABLE foodorder.app_role IS
'Roles of application servers: may act for any customer (foodorder.grant_app)';
COMMENT ON TABLE foodorder.customer_role IS
'Login roles that are one customer (foodorder.grant_customer)';
COMMENT ON TABLE foodorder.staff_role IS
'Roles of restaurant staff (foodorder.grant_staff)';

-- The role that called us.  Inside a SECURITY DEFINER function
-- current_user is the owner; this is the role the session acts as.
CREATE FUNCTION foodorder.calling_role() RETURNS regrole
AS 'MODULE_PATHNAME', 'calling_role'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION foodorder.calling_role() FROM PUBLIC;

-- Raise 42501 unless the caller may act for the customer, or for the
-- restaurant as staff; a null argument is an error, not a pass.
-- Internal: called by the functions below.
CREATE FUNCTION foodorder.authorize_customer(customer bigint) RETURNS void
AS 'MODULE_PATHNAME', 'authorize_customer'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION foodorder.authorize_customer(bigint) FROM PUBLIC;

CREATE FUNCTION foodorder.authorize_staff(restaurant bigint) RETURNS void
AS 'MODULE_PATHNAME', 'authorize_staff'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION foodorder.authorize_staff(bigint) FROM PUBLIC;

-- What the caller may see, for the row-level security policies.  Each is
-- used in a subquery, so it runs once per query, not once per row.
CREATE FUNCTION foodorder.caller_is_app() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT FROM foodorder.app_role
                    WHERE role OPERATOR(pg_catalog.=) foodorder.calling_role())
$$;
CREATE FUNCTION foodorder.caller_customer() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT customer_id FROM foodorder.customer_role
     WHERE role OPERATOR(pg_catalog.=) foodorder.calling_role()
$$;
CREATE FUNCTION foodorder.caller_restaurants() RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT restaurant_id FROM foodorder.staff_role
     WHERE role OPERATOR(pg_catalog.=) foodorder.calling_role()
$$;
REVOKE ALL ON FUNCTION foodorder.caller_is_app() FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.caller_customer() FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.caller_restaurants() FROM PUBLIC;
