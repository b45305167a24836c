-- foodorder: the order lifecycle, in C (order_status.c, stock_return.c):
-- each returns true if it changed the order and false if the order was
-- already in that state (a repeated call).  mark_paid and refund_order,
-- which also record the money, are in payments.sql.

CREATE FUNCTION foodorder.accept_order(order_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'accept_order'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
CREATE FUNCTION foodorder.reject_order(order_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'reject_order_1_2'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
CREATE FUNCTION foodorder.mark_ready(order_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'mark_ready'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
CREATE FUNCTION foodorder.complete_order(order_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'complete_order'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
CREATE FUNCTION foodorder.cancel_order(order_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'cancel_order_1_2'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
CREATE FUNCTION foodorder.expire_orders(older_than interval) RETURNS integer
AS 'MODULE_PATHNAME', 'expire_orders_1_2'
LANGUAGE C VOLATILE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION foodorder.accept_order(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.reject_order(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.mark_ready(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.complete_order(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.cancel_order(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION foodorder.expire_orders(interval) FROM PUBLIC;

COMMENT ON FUNCTION foodorder.accept_order(bigint) IS 'Staff: placed -> accepted';
COMMENT ON FUNCTION foodorder.reject_order(bigint) IS
'Staff: placed -> rejected; the stock comes back';
COMMENT ON FUNCTION foodorder.mark_ready(bigint) IS 'Staff: accepted -> ready';
COMMENT ON FUNCTION foodorder.complete_order(bigint) IS 'Staff: ready -> completed';
COMMENT ON FUNCTION foodorder.cancel_order(bigint) IS
'Customer: placed -> cancelled; staff: placed or accepted -> cancelled; the stock comes back';
COMMENT ON FUNCTION foodorder.expire_orders(interval) IS
'Reject every order placed longer ago than older_than and not yet accepted; '
'returns how many.  Run it periodically as the extension owner';
