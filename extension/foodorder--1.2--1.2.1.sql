/* foodorder 1.2 -> 1.2.1: security and availability fixes.
 *
 * A customer has at most 20 addresses (54000 past it), counted under a
 * lock on the customer row so that concurrent add_address calls cannot
 * pass the limit together.
 */

\echo Use "ALTER EXTENSION foodorder UPDATE TO '1.2.1'" to load this file. \quit

-- Refuse a 21st address of a customer (54000).  Locks the customer row
-- (FOR NO KEY UPDATE, which an order's foreign-key check does not wait
-- for), so two concurrent calls count one after the other.  Also called
-- by foodorder_shard.put_address on each partition of a sharded database.
CREATE FUNCTION foodorder.check_address_room(customer bigint)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    max_addresses CONSTANT integer := 20;
    have integer;
BEGIN
    PERFORM FROM foodorder.customer c WHERE c.id OPERATOR(pg_catalog.=) customer
        FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'customer % does not exist', customer USING ERRCODE = '23503';
    END IF;
    SELECT pg_catalog.count(*) INTO have
      FROM foodorder.address a WHERE a.customer_id OPERATOR(pg_catalog.=) customer;
    IF have OPERATOR(pg_catalog.>=) max_addresses THEN
        RAISE EXCEPTION 'customer % has % addresses already', customer, have
            USING ERRCODE = '54000',
                  DETAIL = pg_catalog.format('A customer may have at most %s addresses.', max_addresses),
                  HINT = 'Use one of the customer''s addresses.';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION foodorder.check_address_room(bigint) FROM PUBLIC;

CREATE OR REPLACE FUNCTION foodorder.add_address(customer bigint, detail text, label text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    new_id bigint;
BEGIN
    IF customer IS NULL OR detail IS NULL THEN
        RAISE EXCEPTION 'customer and detail must not be null' USING ERRCODE = '22004';
    END IF;
    PERFORM foodorder.authorize_customer(customer);
    PERFORM foodorder.check_length('detail', detail, 500);
    PERFORM foodorder.check_length('label', label, 50);
    PERFORM foodorder.check_address_room(customer);
    INSERT INTO foodorder.address (customer_id, label, detail)
    VALUES (customer, add_address.label, add_address.detail)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;
