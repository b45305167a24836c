-- For test/shards-stress/run (SHARDS_STRESS_PARTITION_SQL): place_order's
-- refusals raised on the partition again, as PL/Proxy errors, instead of
-- returned as a row, as before the router turned them into rows.  The
-- router still re-raises each with its SQLSTATE, so every outcome is as
-- expected, but PL/Proxy reconnects after each: the reconnect checks must
-- fail.  Run on each partition database, as its owner.
CREATE OR REPLACE FUNCTION foodorder_shard.call_place_order(
    customer bigint, dishes bigint[], quantities integer[], address bigint, pay_method text,
    request_key text, lock_timeout text, OUT result bigint, OUT err_code text,
    OUT err_message text, OUT err_detail text, OUT err_hint text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('lock_timeout', lock_timeout, true);
    result := foodorder.place_order(customer, dishes, quantities, address, pay_method, request_key);
END $$;
