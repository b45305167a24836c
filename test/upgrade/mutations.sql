-- Small changes to a copy of a fresh install, one statement a line: each
-- must make both of test/upgrade/run's comparisons differ.
ALTER TABLE foodorder.dish ALTER COLUMN on_sale SET DEFAULT false;
ALTER TABLE foodorder.address ALTER COLUMN label SET NOT NULL;
DROP POLICY cart_item_read ON foodorder.cart_item;
ALTER TABLE foodorder.cart_item DISABLE ROW LEVEL SECURITY;
GRANT SELECT ON foodorder.customer TO PUBLIC;
GRANT EXECUTE ON FUNCTION foodorder.verify() TO PUBLIC;
ALTER TABLE foodorder.orders DROP CONSTRAINT orders_pay_method_check, ADD CONSTRAINT orders_pay_method_check CHECK (pay_method IN ('wechat', 'alipay', 'cash', 'card')) NOT VALID;
ALTER TABLE foodorder.orders DROP CONSTRAINT orders_status_check, ADD CONSTRAINT orders_status_check CHECK (status IN ('placed', 'accepted'));
DROP INDEX foodorder.orders_placed_created_at;
ALTER EXTENSION foodorder DROP FUNCTION foodorder.verify();
CREATE FUNCTION foodorder.extra() RETURNS integer LANGUAGE sql AS 'SELECT 1';
ALTER FUNCTION foodorder.verify() VOLATILE;
CREATE OR REPLACE FUNCTION foodorder.caller_is_app() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS 'SELECT true';
CREATE OR REPLACE FUNCTION foodorder.place_order(customer bigint, dishes bigint[], quantities integer[], address bigint DEFAULT NULL, pay_method text DEFAULT NULL, request_key text DEFAULT NULL) RETURNS bigint AS '$libdir/foodorder', 'place_order' LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON COLUMN foodorder.orders.order_no IS 'changed';
UPDATE pg_extension SET extcondition = array_replace(extcondition, 'WHERE id <> 1', '') WHERE extname = 'foodorder';
