-- foodorder: row-level security.  Callers read only their own rows.
-- Nobody but the owner writes (no write privileges are granted), and the
-- owner, which runs every function, is not subject to these policies.

ALTER TABLE foodorder.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_read ON foodorder.orders FOR SELECT USING (
    (SELECT foodorder.caller_is_app())
    OR customer_id OPERATOR(pg_catalog.=) (SELECT foodorder.caller_customer())
    OR restaurant_id IN (SELECT foodorder.caller_restaurants()));

-- Lines, history and addresses follow the orders the caller can see;
-- the subqueries on orders are themselves filtered by orders_read.
ALTER TABLE foodorder.order_item ENABLE ROW LEVEL SECURITY;
CREATE POLICY order_item_read ON foodorder.order_item FOR SELECT USING (
    order_id IN (SELECT o.id FROM foodorder.orders o));

ALTER TABLE foodorder.status_change ENABLE ROW LEVEL SECURITY;
CREATE POLICY status_change_read ON foodorder.status_change FOR SELECT USING (
    order_id IN (SELECT o.id FROM foodorder.orders o));

ALTER TABLE foodorder.payment ENABLE ROW LEVEL SECURITY;
CREATE POLICY payment_read ON foodorder.payment FOR SELECT USING (
    order_id IN (SELECT o.id FROM foodorder.orders o));

ALTER TABLE foodorder.address ENABLE ROW LEVEL SECURITY;
CREATE POLICY address_read ON foodorder.address FOR SELECT USING (
    (SELECT foodorder.caller_is_app())
    OR customer_id OPERATOR(pg_catalog.=) (SELECT foodorder.caller_customer())
    OR id IN (SELECT o.address_id FROM foodorder.orders o));

ALTER TABLE foodorder.cart_item ENABLE ROW LEVEL SECURITY;
CREATE POLICY cart_item_read ON foodorder.cart_item FOR SELECT USING (
    (SELECT foodorder.caller_is_app())
    OR customer_id OPERATOR(pg_catalog.=) (SELECT foodorder.caller_customer()));

ALTER TABLE foodorder.stock_change ENABLE ROW LEVEL SECURITY;
CREATE POLICY stock_change_read ON foodorder.stock_change FOR SELECT USING (
    dish_id IN (SELECT d.id FROM foodorder.dish d
                 WHERE d.restaurant_id IN (SELECT foodorder.caller_restaurants())));
