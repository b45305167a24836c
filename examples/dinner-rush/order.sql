-- One order: usually the popular Kung Pao chicken (d1), one or two other
-- dishes and rice (d7), named in random order, sometimes two portions.
SELECT foodorder.place_order(:customer, o.dishes, o.quantities)
  FROM (SELECT array_agg(id ORDER BY random()) AS dishes,
               array_agg(1 + (random() < 0.3)::int) AS quantities
          FROM (SELECT :d1::bigint AS id WHERE random() < 0.8
                 UNION
                SELECT id FROM (SELECT id FROM unnest(ARRAY[:d2, :d3, :d4, :d5, :d6]::bigint[]) AS id
                                 ORDER BY random() LIMIT 1 + (random() < 0.5)::int) AS other
                 UNION
                SELECT :d7) AS pick) AS o;
\if :ERROR
-- Refused (something is sold out): settle for Mapo tofu and rice.
SELECT foodorder.place_order(:customer, ARRAY[:d2, :d7]::bigint[], ARRAY[1, 1]);
\endif
