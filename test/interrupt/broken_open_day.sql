-- Not part of the test: a broken open_day() to see test/interrupt/run fail,
--   INTERRUPT_EXTRA_SQL=test/interrupt/broken_open_day.sql test/interrupt/run
-- It notes something in the restaurant row first, and catches a cancel or
-- lock timeout of the reset and returns as if nothing happened: the bug
-- class of an EXCEPTION block that catches too much.  Expected: the
-- open_day cases fail (no error; restaurant written), except terminate,
-- whose FATAL no EXCEPTION block can catch.
CREATE OR REPLACE FUNCTION foodorder.open_day(restaurant bigint) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE foodorder.restaurant r SET name = r.name OPERATOR(pg_catalog.||) '.'
     WHERE r.id OPERATOR(pg_catalog.=) restaurant;
    BEGIN
        PERFORM FROM foodorder.dish d
          WHERE d.restaurant_id OPERATOR(pg_catalog.=) restaurant
            AND d.daily_stock IS NOT NULL
          ORDER BY d.id FOR NO KEY UPDATE;
        WITH upd AS (
            UPDATE foodorder.dish d SET stock = d.daily_stock
             WHERE d.restaurant_id OPERATOR(pg_catalog.=) restaurant
               AND d.daily_stock IS NOT NULL
            RETURNING d.id, d.stock
        )
        INSERT INTO foodorder.stock_change (dish_id, delta, stock_after, reason, changed_by)
        SELECT upd.id, 0, upd.stock, 'open_day', 'broken' FROM upd;
    EXCEPTION WHEN query_canceled OR lock_not_available THEN
        RETURN 0;
    END;
    RETURN 2;
END
$$;
