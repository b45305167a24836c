-- test/security/router's deployment: a restaurant per partition with a
-- dish, customers 1 to 3; the attackers' roles.
SET client_min_messages = warning;
SELECT foodorder.add_restaurant('Kitchen ' || i) FROM generate_series(0, 3) i;
SELECT foodorder.add_dish(r.id, 'Dish of ' || r.name, 1000, stock => 100)
  FROM foodorder.restaurant r WHERE r.name LIKE 'Kitchen%' ORDER BY r.id;
SELECT foodorder.add_customer('One'), foodorder.add_customer('Two'), foodorder.add_customer('Three');
CREATE ROLE mallory LOGIN;
CREATE ROLE web_sec LOGIN;      SELECT foodorder.grant_app('web_sec');
CREATE ROLE cust_sec LOGIN;     SELECT foodorder.grant_customer('cust_sec', 1);
