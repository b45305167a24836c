-- A foodorder.settle_hot_stock that spreads a hot dish's stock over its
-- slots but drops the remainder of the division, so each settle (a
-- cancel, a restock, an order no single slot could serve) loses up to 63
-- portions.  To see the rush test catch it:
--
--   RUSH_MODES=hot RUSH_EXTRA_SQL=test/rush/broken_settle.sql test/rush/run
CREATE OR REPLACE FUNCTION foodorder.settle_hot_stock(
    dishes bigint[], stock_deltas integer[], sold_deltas integer[])
RETURNS TABLE (dish_id bigint, stock integer)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    WITH total AS (
        SELECT d.id, (d.stock::bigint + sum(s.stock) + r.ds)::integer AS stock,
               (d.sold::bigint + sum(s.sold) + r.dsold)::integer AS sold,
               count(*)::integer AS n
          FROM unnest(dishes, stock_deltas, sold_deltas) AS r(id, ds, dsold)
          JOIN foodorder.dish d ON d.id = r.id
          JOIN foodorder.dish_slot s ON s.dish_id = d.id
         WHERE d.hot
         GROUP BY d.id, d.stock, d.sold, r.ds, r.dsold
    ), slots AS (
        UPDATE foodorder.dish_slot s SET stock = t.stock / t.n, sold = 0
          FROM total t WHERE s.dish_id = t.id
    ), dish AS (
        UPDATE foodorder.dish d SET stock = 0, sold = t.sold
          FROM total t WHERE d.id = t.id
    )
    SELECT t.id, t.stock FROM total t;
END
$$;
