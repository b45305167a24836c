-- For test/shards-stress/run (SHARDS_STRESS_AFTER_SQL): after the load, the
-- books of one partition go wrong behind foodorder's back: a dish's sold
-- count drifts from its order lines, another's stock goes below zero, and
-- an order row gets an id of another partition.  The checks of that
-- partition, read there directly, must fail.  Run on partition 0's
-- database, as its owner.
SET session_replication_role = replica;   -- no foreign key trigger stops it
UPDATE foodorder.dish SET sold = sold + 1
 WHERE id = (SELECT min(id) FROM foodorder.dish WHERE NOT hot);
ALTER TABLE foodorder.dish DROP CONSTRAINT IF EXISTS dish_stock_check;
UPDATE foodorder.dish SET stock = -1
 WHERE id = (SELECT max(id) FROM foodorder.dish WHERE NOT hot);
UPDATE foodorder.orders SET id = id + 1
 WHERE id = (SELECT max(id) FROM foodorder.orders);
