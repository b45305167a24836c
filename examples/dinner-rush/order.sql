-- One order: usually the popular Kung Pao chicken (dish 1), one or two
-- other dishes and rice, named in random order, sometimes two portions.
SELECT foodorder.place_order(:customer, o.dishes, o.quantities)
  FROM (SELECT array_agg(id ORDER BY random()) AS dishes,
               array_agg(1 + (random() < 0.3)::int) AS quantities
          FROM (SELECT id FROM foodorder.dish WHERE id = 1 AND random() < 0.8
                 UNION
                SELECT id FROM (SELECT id FROM foodorder.dish WHERE id BETWEEN 2 AND 6
                                 ORDER BY random() LIMIT 1 + (random() < 0.5)::int) AS other
                 UNION
                SELECT 7) AS pick) AS o;
\if :ERROR
-- Refused (something is sold out): settle for Mapo tofu and rice.
SELECT foodorder.place_order(:customer, ARRAY[2, 7], ARRAY[1, 1]);
\endif
