-- test/shards-node-down/run's menu: a restaurant per partition with two
-- dishes; the roles it acts as.
SELECT foodorder.add_restaurant('Kitchen ' || i) FROM generate_series(0, 3) i;
SELECT foodorder.add_dish(r.id, 'Dish ' || r.id || '-' || j, 1000 + j, stock => 100)
  FROM foodorder.restaurant r, generate_series(1, 2) j WHERE r.name LIKE 'Kitchen%' ORDER BY r.id, j;
CREATE ROLE web LOGIN;      SELECT foodorder.grant_app('web');
CREATE ROLE kitchen LOGIN;
