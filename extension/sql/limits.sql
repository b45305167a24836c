-- foodorder: limits on what one call may write (an order's lines and
-- request key are checked in C, order_request.c).  Rows written before a
-- limit came are kept: the functions that write check, not constraints a
-- restored dump would have to pass.

-- Refuse a text argument longer than max_chars characters (22001, like a
-- varchar(n) column would).  Called by the SECURITY DEFINER functions that
-- write names and addresses.
CREATE FUNCTION foodorder.check_length(argument text, value text, max_chars integer)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.char_length(value) OPERATOR(pg_catalog.>) max_chars THEN
        RAISE EXCEPTION '% may have at most % characters', argument, max_chars
            USING ERRCODE = '22001',
                  DETAIL = format('The %s given has %s.', argument, pg_catalog.char_length(value));
    END IF;
END
$$;
REVOKE ALL ON FUNCTION foodorder.check_length(text, text, integer) FROM PUBLIC;

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
