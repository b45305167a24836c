-- foodorder: verify(), the invariants.  Stock and sold are read from
-- foodorder.menu; a hot dish keeps its stock in its slots, numbered from 0
-- with no gap, and no other dish has any.
CREATE FUNCTION foodorder.verify()
RETURNS TABLE (invariant text, detail text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'stock is not negative', format('dish %s has stock %s', d.id, d.stock)
      FROM foodorder.menu d WHERE d.stock < 0
    UNION ALL
    SELECT 'sold matches the order lines',
           format('dish %s has sold %s, its lines in live orders add up to %s',
                  d.id, d.sold, coalesce(l.quantity, 0))
      FROM foodorder.menu d
      LEFT JOIN (SELECT i.dish_id, sum(i.quantity) AS quantity
                   FROM foodorder.order_item i
                   JOIN foodorder.orders o ON o.id = i.order_id
                  WHERE o.status NOT IN ('cancelled', 'rejected')
                  GROUP BY i.dish_id) l ON l.dish_id = d.id
     WHERE d.sold IS DISTINCT FROM coalesce(l.quantity, 0)
    UNION ALL
    SELECT 'a hot dish keeps its stock in its slots',
           format('dish %s is %s, has stock %s in its row and slots %s',
                  d.id, CASE WHEN d.hot THEN 'hot' ELSE 'not hot' END, d.stock,
                  coalesce(s.slots, 'none'))
      FROM foodorder.dish d
      LEFT JOIN (SELECT x.dish_id, count(*) AS n, max(x.slot) AS last,
                        format('%s to %s', min(x.slot), max(x.slot)) AS slots
                   FROM foodorder.dish_slot x GROUP BY x.dish_id) s ON s.dish_id = d.id
     WHERE CASE WHEN d.hot
                THEN d.stock <> 0 OR s.n IS NULL OR s.last <> s.n - 1
                ELSE s.n IS NOT NULL END
    UNION ALL
    SELECT 'order totals match the lines',
           format('order %s has total_count %s and total_cents %s, its lines and fee add up to %s and %s',
                  o.id, o.total_count, o.total_cents, coalesce(l.quantity, 0),
                  coalesce(l.cents, 0) + o.delivery_fee_cents)
      FROM foodorder.orders o
      LEFT JOIN (SELECT i.order_id, sum(i.quantity) AS quantity,
                        sum(i.quantity::bigint * i.price_cents) AS cents
                   FROM foodorder.order_item i GROUP BY i.order_id) l ON l.order_id = o.id
     WHERE o.total_count IS DISTINCT FROM coalesce(l.quantity, 0)
        OR o.total_cents IS DISTINCT FROM coalesce(l.cents, 0) + o.delivery_fee_cents
    UNION ALL
    SELECT 'an order has dishes of one restaurant',
           format('order %s of restaurant %s has dish %s of restaurant %s',
                  o.id, o.restaurant_id, d.id, d.restaurant_id)
      FROM foodorder.orders o
      JOIN foodorder.order_item i ON i.order_id = o.id
      JOIN foodorder.dish d ON d.id = i.dish_id
     WHERE d.restaurant_id <> o.restaurant_id
    UNION ALL
    SELECT 'pay_status matches the payments',
           format('order %s is %s with total_cents %s; paid: %s; refunded: %s',
                  o.id, o.pay_status, o.total_cents, coalesce(p.amount_cents::text, 'nothing'),
                  coalesce(r.amount_cents::text, 'nothing'))
      FROM foodorder.orders o
      LEFT JOIN foodorder.payment p ON p.order_id = o.id AND p.kind = 'paid'
      LEFT JOIN foodorder.payment r ON r.order_id = o.id AND r.kind = 'refunded'
     WHERE (o.pay_status <> 'unpaid') IS DISTINCT FROM (p.id IS NOT NULL)
        OR (o.pay_status = 'refunded') IS DISTINCT FROM (r.id IS NOT NULL)
        OR p.amount_cents <> o.total_cents
        OR r.amount_cents <> p.amount_cents    UNION ALL
    SELECT 'granted roles exist',
           format('%s grant for role oid %s, which was dropped', g.kind, g.role::oid)
      FROM (SELECT 'app' AS kind, role FROM foodorder.app_role
            UNION ALL SELECT 'customer', role FROM foodorder.customer_role
            UNION ALL SELECT 'staff', role FROM foodorder.staff_role) g
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.oid = g.role::oid)
$$;
REVOKE ALL ON FUNCTION foodorder.verify() FROM PUBLIC;
COMMENT ON FUNCTION foodorder.verify() IS
'One row per broken invariant; empty when stock, sold, order totals and payments '
'all agree and every granted role exists';
