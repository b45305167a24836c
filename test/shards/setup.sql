-- test/shards/run's menu: a restaurant per partition (placed round robin),
-- each with two dishes and one sold out; the roles it acts as.
SELECT foodorder.add_restaurant('Kitchen ' || i, delivery_fee_cents => 300) FROM generate_series(0, 3) i;
SELECT foodorder.add_dish(r.id, 'Dish ' || r.id || '-' || j, 1000 + j, stock => 1000)
  FROM foodorder.restaurant r, generate_series(1, 2) j WHERE r.name LIKE 'Kitchen%' ORDER BY r.id, j;
SELECT foodorder.add_dish(r.id, 'Sold out ' || r.id, 900, stock => 0)
  FROM foodorder.restaurant r WHERE r.name LIKE 'Kitchen%';
CREATE ROLE web LOGIN;      SELECT foodorder.grant_app('web');
CREATE ROLE cust1 LOGIN;
CREATE ROLE kitchen1 LOGIN;
