-- The opening of a warm flash sale (bench/run, flash mode warm): hold the
-- sale's barrier until every client (:clients) waits on it, its first call
-- refused with OR002 (bench.flash_order), then put dish :dish on sale,
-- record the moment and let the clients go, all at once.  Gives up after
-- :bound seconds.
\set ON_ERROR_STOP on
SELECT pg_advisory_lock(424242, :dish);
-- psql does not substitute variables inside the DO block's quotes
SELECT set_config('bench.dish', :'dish', false), set_config('bench.clients', :'clients', false),
       set_config('bench.bound', :'bound', false);
DO $$
DECLARE
    dish int := current_setting('bench.dish')::int;
    clients int := current_setting('bench.clients')::int;
    bound int := current_setting('bench.bound')::int;
    deadline timestamptz := clock_timestamp() + make_interval(secs => bound);
BEGIN
    WHILE (SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND classid = 424242 AND objid = dish
              AND objsubid = 2 AND NOT granted) < clients
    LOOP
        IF clock_timestamp() > deadline THEN
            RAISE EXCEPTION 'not all % clients waited for the sale within % s', clients, bound;
        END IF;
        PERFORM pg_sleep(0.01);
    END LOOP;
END
$$;
UPDATE foodorder.dish SET on_sale = true WHERE id = :dish;
INSERT INTO bench.flash_open VALUES (:dish, clock_timestamp());
SELECT pg_advisory_unlock(424242, :dish);
