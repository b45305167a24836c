-- foodorder: the tables pg_dump keeps the rows of.  Orders and the menu
-- are data, not schema.  In the order the releases marked them, as in an
-- updated database (pg_extension.extconfig).
SELECT pg_catalog.pg_extension_config_dump('foodorder.dish', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.customer', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.orders', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.order_item', '');
-- and the identity sequences, or a restored database would hand out used ids
SELECT pg_catalog.pg_extension_config_dump('foodorder.dish_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.customer_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.orders_id_seq', '');
-- all but the default restaurant, which restaurants.sql makes
SELECT pg_catalog.pg_extension_config_dump('foodorder.restaurant', 'WHERE id <> 1');
SELECT pg_catalog.pg_extension_config_dump('foodorder.restaurant_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.stock_change', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.stock_change_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.address', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.address_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.status_change', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.status_change_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.cart_item', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.orders_1_0_values', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.app_role', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.customer_role', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.staff_role', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.dish_slot', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.payment', '');
SELECT pg_catalog.pg_extension_config_dump('foodorder.payment_id_seq', '');
