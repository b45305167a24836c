-- The dinner rush over a sharded deployment, run on the router: two
-- canteens (on two partitions, so on two nodes), each with menu.sql's
-- dinner menu, and the 30 colleagues, all made with the router's
-- functions: the same calls as on one node.
SET client_min_messages = warning;
SELECT foodorder.add_restaurant('Canteen ' || c) FROM generate_series(1, 2) AS c;
SELECT foodorder.add_dish(r.id, d.name, d.price_cents, stock => d.stock)
  FROM foodorder.restaurant r,
       (VALUES (1, 'Kung Pao chicken', 2800, 30), (2, 'Mapo tofu', 1800, 40),
               (3, 'Twice-cooked pork', 3200, 15), (4, 'Tomato and egg stir-fry', 1500, 40),
               (5, 'Fish-fragrant aubergine', 1900, 20), (6, 'Dan dan noodles', 1600, 30),
               (7, 'Steamed rice', 200, 200), (8, 'Sour plum drink', 600, 60))
           AS d (n, name, price_cents, stock)
 WHERE r.name LIKE 'Canteen %'
 ORDER BY r.id, d.n;
SELECT foodorder.add_customer('colleague ' || g) FROM generate_series(1, 30) AS g;
CREATE ROLE dinner_app LOGIN;
SELECT foodorder.grant_app('dinner_app');
CREATE ROLE dinner_kitchen LOGIN;
SELECT foodorder.grant_staff('dinner_kitchen', r.id) FROM foodorder.restaurant r
 WHERE r.name LIKE 'Canteen %';
