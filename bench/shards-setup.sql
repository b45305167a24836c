-- bench/shards: the functions its refused workload calls, run in the
-- partition database foodorder_p0 (-v router=0) and in the router's
-- database foodorder (-v router=1).

-- bench_shards.refused(customer, dish): 1 when place_order refuses with
-- OR001, an error otherwise.  In the partition database it calls the
-- node's place_order, in the router database the router's.  A refused
-- place_order has already written (the order row comes first), so its
-- transaction has an xid: caught in a subtransaction, the commit would
-- wait for a WAL flush, which a client that gets the error (its
-- transaction aborts) does not.  So the handler commits without waiting,
-- as an abort does; on the router the transaction writes nothing either way.
CREATE SCHEMA bench_shards;
CREATE FUNCTION bench_shards.refused(customer bigint, dish bigint) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM foodorder.place_order(customer, ARRAY[dish], ARRAY[1]);
    RAISE EXCEPTION 'dish % was not refused', dish USING ERRCODE = 'BS001';
EXCEPTION WHEN SQLSTATE 'OR001' THEN
    PERFORM set_config('synchronous_commit', 'off', true);
    RETURN 1;
END
$$;

\if :router
-- The control: PL/Proxy straight to the node's place_order, whose error
-- makes PL/Proxy drop its connection.
CREATE FUNCTION bench_shards.raw_place_order(part integer, customer bigint, dishes bigint[],
                                             quantities integer[]) RETURNS bigint
LANGUAGE plproxy AS $$
    CLUSTER 'foodorder';
    RUN ON part;
    SELECT foodorder.place_order(customer, dishes, quantities);
$$;
CREATE FUNCTION bench_shards.raw_refused(customer bigint, dish bigint) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bench_shards.raw_place_order(0, customer, ARRAY[dish], ARRAY[1]);
    RAISE EXCEPTION 'dish % was not refused', dish USING ERRCODE = 'BS001';
EXCEPTION WHEN SQLSTATE 'OR001' THEN
    RETURN 1;
END
$$;
\endif
