-- The rows of the 1.0 database test/upgrade/run updates: a menu, two
-- customers and orders placed by 1.0's place_order.  Order 3 is 1.0's way
-- of taking an address and a payment method: stored as given (1.1 refuses
-- both).  The refused order takes an id, so there is a gap before order 5.
INSERT INTO foodorder.dish (name, price_cents, stock) VALUES
    ('Kung Pao chicken', 2800, 5),
    ('Mapo tofu', 1800, 10),
    ('Steamed rice', 200, 100),
    ('Sour plum drink', 600, 1);
INSERT INTO foodorder.customer (name) VALUES ('Li Lei'), ('Han Meimei');
SELECT foodorder.place_order(customer => 1, dishes => ARRAY[3, 1], quantities => ARRAY[1, 2],
                             request_key => 'old-key-1');
SELECT foodorder.place_order(2, ARRAY[2, 3, 2], ARRAY[1, 1, 3]);
SELECT foodorder.place_order(2, ARRAY[3], ARRAY[2], address => 7,
                             pay_method => 'paypal', request_key => 'tap-1');
DO $$
BEGIN
    PERFORM foodorder.place_order(1, ARRAY[4], ARRAY[2]);
    RAISE EXCEPTION 'ordering 2 of the 1 portion left was not refused';
EXCEPTION WHEN SQLSTATE 'OR001' THEN
    NULL;
END
$$;
UPDATE foodorder.dish SET price_cents = 3000 WHERE id = 1;
SELECT foodorder.place_order(1, ARRAY[4, 1], ARRAY[1, 1], pay_method => 'cash');
