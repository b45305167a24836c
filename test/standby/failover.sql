-- test/standby: after the primary was killed mid-rush and the standby
-- promoted, run on the promoted server as the owner.  Standard input is the
-- file of orders the rush's clients saw acknowledged, one "id customer dish
-- key" a line (each order: 1 portion of dish 1 and 2 of the dish).  Prints
-- "PASS|what|numbers" or "FAIL|what|numbers" lines.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;

CREATE TEMP TABLE acked (id bigint, customer bigint, dish bigint, request_key text);
\copy acked FROM pstdin WITH (FORMAT text, DELIMITER ' ')

-- A client never sees an id twice: the sequence does not hand one out again.
SELECT CASE WHEN count(*) > 0 AND count(*) = count(DISTINCT id) THEN 'PASS' ELSE 'FAIL' END
       || '|rush: acknowledged order ids are distinct|'
       || count(*) || ' acknowledged, ' || count(DISTINCT id) || ' distinct'
  FROM acked;

-- Every acknowledged order survived the failover, with its customer and
-- exactly its two lines.
WITH lines AS (
    SELECT i.order_id, array_agg(i.dish_id || 'x' || i.quantity ORDER BY i.dish_id) AS lines
      FROM foodorder.order_item i
     WHERE i.order_id IN (SELECT id FROM acked)
     GROUP BY i.order_id
), judged AS (
    SELECT a.id, o.id IS NULL AS missing,
           o.id IS NOT NULL AND (o.customer_id <> a.customer OR o.total_count <> 3
               OR o.request_key IS DISTINCT FROM a.request_key
               OR l.lines IS DISTINCT FROM ARRAY['1x1', a.dish || 'x2']) AS wrong
      FROM acked a
      LEFT JOIN foodorder.orders o ON o.id = a.id
      LEFT JOIN lines l ON l.order_id = a.id
)
SELECT CASE WHEN count(*) > 0 AND count(*) FILTER (WHERE missing OR wrong) = 0
            THEN 'PASS' ELSE 'FAIL' END
       || '|every acknowledged order is on the promoted standby with its lines|'
       || count(*) || ' acknowledged, ' || count(*) FILTER (WHERE missing) || ' missing, '
       || count(*) FILTER (WHERE wrong) || ' with other lines, customer or key; '
       || (SELECT count(*) FROM foodorder.orders) || ' orders there in all'
       || coalesce(' (missing: ' || (SELECT string_agg(id::text, ',') FROM
              (SELECT id FROM judged WHERE missing OR wrong ORDER BY id LIMIT 10) m) || ')', '')
  FROM judged;

-- Orders the primary committed but never acknowledged may be there too;
-- either way no portion was created or lost.
SELECT CASE WHEN count(*) FILTER (WHERE d.id IS NULL OR p.dish_id IS NULL
                                     OR d.stock + d.sold <> p.portions) = 0
            THEN 'PASS' ELSE 'FAIL' END
       || '|stock + sold conserved for every dish|'
       || count(*) || ' dishes, ' || count(*) FILTER (WHERE d.id IS NULL OR p.dish_id IS NULL
                                     OR d.stock + d.sold <> p.portions) || ' off; hot dish sold '
       || max(d.sold) FILTER (WHERE d.id = 1)
  FROM standby_test.portions p
  FULL JOIN foodorder.menu d ON d.id = p.dish_id;

SELECT CASE WHEN count(*) = 0 THEN 'PASS' ELSE 'FAIL' END
       || '|verify() on the promoted standby|'
       || count(*) || ' broken invariants'
       || coalesce(': ' || string_agg(invariant || ' ' || detail, '; '), '')
  FROM foodorder.verify();
