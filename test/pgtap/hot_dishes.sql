-- Hot dishes (1.2): set_hot, foodorder.menu, and every function that moves
-- stock working on a dish whose stock lives in foodorder.dish_slot, with the
-- same results, errors and stock history as for any other dish.  Run as the
-- owner; roles check who may make a dish hot and who may read the menu.
\ir include/fixture.psql
SELECT plan(58);

SELECT foodorder.add_restaurant('Noodle bar') AS r2 \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset
SELECT foodorder.add_dish(1, 'Braised pork', 2500, 100, 40) AS hot \gset
SELECT foodorder.add_dish(1, 'Rice', 200, 100, 40) AS plain \gset
SELECT foodorder.add_dish(:r2, 'Beef noodles', 2200, 10) AS other \gset
SELECT foodorder.add_dish(1, 'Plain twin', 2500, 100) AS twin \gset

CREATE ROLE foodorder_tap_hot_staff NOLOGIN;
CREATE ROLE foodorder_tap_hot_other NOLOGIN;
CREATE ROLE foodorder_tap_hot_app NOLOGIN;
CREATE ROLE foodorder_tap_hot_customer NOLOGIN;
SELECT foodorder.grant_staff('foodorder_tap_hot_staff', 1);
SELECT foodorder.grant_staff('foodorder_tap_hot_other', :r2);
SELECT foodorder.grant_app('foodorder_tap_hot_app');
SELECT foodorder.grant_customer('foodorder_tap_hot_customer', :c1);

-- Everything stock-related, as one value: refusals must not change it.
CREATE FUNCTION pg_temp.written() RETURNS text LANGUAGE sql AS $$
    SELECT md5(concat_ws('|',
        (SELECT string_agg(concat_ws(',', id, stock, sold, hot), ';' ORDER BY id) FROM foodorder.dish),
        (SELECT string_agg(concat_ws(',', dish_id, slot, stock, sold), ';' ORDER BY dish_id, slot)
           FROM foodorder.dish_slot),
        (SELECT count(*) FROM foodorder.orders),
        (SELECT count(*) FROM foodorder.stock_change)))
$$;

-- A hot dish's slots: how many, their total, and how uneven.
CREATE FUNCTION pg_temp.slots(dish bigint) RETURNS text LANGUAGE sql AS $$
    SELECT format('%s slots, %s in all, spread %s', count(*), coalesce(sum(stock), 0),
                  coalesce(max(stock) - min(stock), 0))
      FROM foodorder.dish_slot WHERE dish_id = dish
$$;

------------------------------------------------------------------------
-- set_hot
------------------------------------------------------------------------

SELECT is(pg_temp.outcome('SELECT foodorder.set_hot(NULL)'),
          '22004: dish and hot must not be null', 'set_hot(null): 22004');
SELECT is(pg_temp.outcome('SELECT foodorder.set_hot(999999)'),
          '23503: dish 999999 does not exist', 'set_hot of an unknown dish: 23503');

SET ROLE foodorder_tap_hot_other;
SELECT is(left(pg_temp.outcome(format('SELECT foodorder.set_hot(%s)', :hot)), 6), '42501:',
          'set_hot by staff of another restaurant: 42501');
RESET ROLE;
SET ROLE foodorder_tap_hot_customer;
SELECT is(pg_temp.outcome(format('SELECT foodorder.set_hot(%s)', :hot)),
          '42501: permission denied for function set_hot', 'set_hot by a customer role: 42501');
RESET ROLE;
SELECT is(pg_temp.slots(:hot), '0 slots, 0 in all, spread 0', 'refused set_hot calls made no slots');

SET ROLE foodorder_tap_hot_staff;
SELECT lives_ok(format('SELECT foodorder.set_hot(%s)', :hot), 'set_hot by staff of the dish''s restaurant');
RESET ROLE;
SELECT results_eq(format('SELECT stock, sold, hot FROM foodorder.dish WHERE id = %s', :hot),
                  $$VALUES (0, 0, true)$$, 'a hot dish''s row keeps no stock');
SELECT is(pg_temp.slots(:hot), '64 slots, 100 in all, spread 1',
          'its 100 portions are spread over 64 slots, no two differing by more than 1');
SELECT results_eq(format('SELECT stock, sold, hot FROM foodorder.menu WHERE id = %s', :hot),
                  $$VALUES (100, 0, true)$$, 'foodorder.menu shows its stock');
SELECT lives_ok(format('SELECT foodorder.set_hot(%s)', :hot), 'set_hot of a hot dish again');
SELECT is(pg_temp.slots(:hot), '64 slots, 100 in all, spread 1', 'changes nothing');

------------------------------------------------------------------------
-- Ordering: results as for any dish
------------------------------------------------------------------------

SELECT foodorder.place_order(:c1, ARRAY[:plain, :hot], ARRAY[1, 2]) AS o1 \gset
SELECT results_eq(format('SELECT dish_id, quantity, price_cents FROM foodorder.order_item
                           WHERE order_id = %s ORDER BY dish_id', :o1),
                  format('VALUES (%s::bigint, 2, 2500), (%s, 1, 200)', :hot, :plain),
                  'an order of a hot and a plain dish has both lines at their prices');
SELECT results_eq(format('SELECT total_count, total_cents FROM foodorder.orders WHERE id = %s', :o1),
                  $$VALUES (3, 5200::bigint)$$, 'and its totals');
SELECT results_eq(format('SELECT id, stock, sold FROM foodorder.menu WHERE id IN (%s, %s) ORDER BY id',
                         :hot, :plain),
                  format('VALUES (%s::bigint, 98, 2), (%s, 99, 1)', :hot, :plain),
                  'the menu shows both dishes'' stock and sold');
SELECT is(pg_temp.slots(:hot), '64 slots, 98 in all, spread 2',
          'the hot dish''s portions came out of one slot');
SELECT is(foodorder.place_order(:c1, ARRAY[:hot], ARRAY[1], request_key => 'tap-hot-1'),
          foodorder.place_order(:c1, ARRAY[:hot], ARRAY[1], request_key => 'tap-hot-1'),
          'a repeated request key returns the first order');
SELECT results_eq(format('SELECT stock, sold FROM foodorder.menu WHERE id = %s', :hot),
                  $$VALUES (97, 3)$$, 'and took its portion once');

-- Refusals: the same errors as for a plain dish with the same stock.
UPDATE foodorder.dish SET stock = 97, sold = 3 WHERE id = :twin;
SELECT pg_temp.written() AS before \gset
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s], ARRAY[98])', :c1, :hot)),
          replace(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s], ARRAY[98])', :c1, :twin)),
                  'dish ' || :twin, 'dish ' || :hot),
          'one portion too many: the same OR001 as for a plain dish');
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s], ARRAY[98])', :c1, :hot)),
          format('OR001: insufficient stock for dish %s / Not enough portions left: dish %s has 97 left, 98 requested.',
                 :hot, :hot),
          'which names the stock of the whole dish');
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s, %s], ARRAY[1, 1])', :c1, :hot, :other)),
          format('22023: an order cannot have dishes of more than one restaurant / Dish %s is from restaurant 1, dish %s from restaurant %s. / hint: Place one order per restaurant.',
                 :hot, :other, :r2),
          'a hot dish with a dish of another restaurant: 22023');
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s, 999999], ARRAY[1, 1])', :c1, :hot)),
          '23503: dish 999999 does not exist', 'a hot dish with an unknown dish: 23503');
SELECT foodorder.set_on_sale(:hot, false);
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s], ARRAY[1])', :c1, :hot)),
          format('OR002: dish %s is not on sale / Dish %s (Braised pork) has been taken off the menu.', :hot, :hot),
          'a hot dish off sale: OR002');
SELECT foodorder.set_on_sale(:hot, true);
SET ROLE foodorder_tap_hot_customer;
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s], ARRAY[1])', :c1 + 1, :hot)),
          format('42501: permission denied to act for customer %s / Role "foodorder_tap_hot_customer" is not linked to that customer. / hint: The extension owner links roles with foodorder.grant_customer() or foodorder.grant_app().', :c1 + 1),
          'a customer role ordering a hot dish for another customer: 42501');
RESET ROLE;
SELECT is(pg_temp.written(), :'before', 'the refusals wrote nothing');
UPDATE foodorder.dish SET stock = 100, sold = 0 WHERE id = :twin;

-- More than any one slot holds, less than the dish: served whole.
SELECT foodorder.place_order(:c1, ARRAY[:hot], ARRAY[10]) AS o2 \gset
SELECT results_eq(format('SELECT stock, sold FROM foodorder.menu WHERE id = %s', :hot),
                  $$VALUES (87, 13)$$, '10 portions, more than any slot holds, are served');
SELECT is(pg_temp.slots(:hot), '64 slots, 87 in all, spread 1', 'and the rest spread evenly again');
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s], ARRAY[87])', :c1, :hot)),
          'ok: ' || (SELECT max(id) + 1 FROM foodorder.orders), 'the last 87 portions in one order');
SELECT results_eq(format('SELECT stock, sold FROM foodorder.menu WHERE id = %s', :hot),
                  $$VALUES (0, 100)$$, 'sold out: stock 0, nothing stranded in a slot');
SELECT is(pg_temp.outcome(format('SELECT foodorder.place_order(%s, ARRAY[%s], ARRAY[1])', :c1, :hot)),
          format('OR001: insufficient stock for dish %s / Not enough portions left: dish %s has 0 left, 1 requested.',
                 :hot, :hot),
          'then OR001');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() finds nothing wrong');

------------------------------------------------------------------------
-- Stock given back, restock, open_day, the cart
------------------------------------------------------------------------

SELECT ok(foodorder.cancel_order(:o2), 'cancel_order of an order of a hot dish');
SELECT results_eq(format('SELECT delta, stock_after, reason, order_id FROM foodorder.stock_change
                           WHERE dish_id = %s ORDER BY id DESC LIMIT 1', :hot),
                  format($$VALUES (10, 10, 'cancel'::text, %s::bigint)$$, :o2),
                  'gives its 10 portions back, recorded with the exact stock after');
SELECT is(pg_temp.slots(:hot), '64 slots, 10 in all, spread 1', 'spread over the slots');
SELECT ok(foodorder.reject_order(:o1), 'reject_order of an order of a hot and a plain dish');
SELECT results_eq(format('SELECT dish_id, delta, stock_after FROM foodorder.stock_change
                           WHERE order_id = %s ORDER BY dish_id', :o1),
                  format('VALUES (%s::bigint, 2, 12), (%s, 1, 100)', :hot, :plain),
                  'gives back to both, each with its exact stock after');
SELECT foodorder.place_order(:c1, ARRAY[:hot], ARRAY[3]) AS o3 \gset
SELECT foodorder.place_order(:c1, ARRAY[:hot], ARRAY[4]) AS o4 \gset
UPDATE foodorder.orders SET created_at = created_at - interval '1 hour' WHERE id IN (:o3, :o4);
SELECT is(foodorder.expire_orders('30 minutes'), 2, 'expire_orders of two orders of a hot dish');
SELECT results_eq(format('SELECT order_id, delta, stock_after FROM foodorder.stock_change
                           WHERE reason = ''expire'' ORDER BY order_id', :hot),
                  format('VALUES (%s::bigint, 3, 8), (%s, 4, 12)', :o3, :o4),
                  'gives back both, stock after as if one by one in id order');

SET ROLE foodorder_tap_hot_staff;
SELECT is(foodorder.restock(:hot, 30), 42, 'restock of a hot dish returns its new stock');
RESET ROLE;
SELECT results_eq(format('SELECT delta, stock_after, reason, changed_by::text COLLATE "default" FROM foodorder.stock_change
                           WHERE dish_id = %s ORDER BY id DESC LIMIT 1', :hot),
                  $$VALUES (30, 42, 'restock'::text, 'foodorder_tap_hot_staff')$$,
                  'recorded with the stock after and who');
SELECT is(pg_temp.slots(:hot), '64 slots, 42 in all, spread 1', 'and spread over the slots');
SELECT is(pg_temp.outcome(format('SELECT foodorder.restock(%s, 2147483647)', :hot)),
          format('22003: stock of dish %s would be out of range / It has 42 portions; 2147483647 more would exceed 2147483647.', :hot),
          'restock past the integer range: 22003, as for a plain dish');

SELECT lives_ok(format('SELECT foodorder.set_daily_stock(%s, 50)', :hot), 'set_daily_stock of a hot dish');
SELECT is(foodorder.open_day(1), 2, 'open_day of its restaurant resets its two dishes with a daily stock');
SELECT results_eq(format('SELECT id, stock FROM foodorder.menu WHERE id IN (%s, %s) ORDER BY id', :hot, :plain),
                  format('VALUES (%s::bigint, 50), (%s, 40)', :hot, :plain),
                  'the hot dish to its daily stock, the plain one to its own');
SELECT results_eq(format('SELECT delta, stock_after FROM foodorder.stock_change
                           WHERE dish_id = %s AND reason = ''open_day''', :hot),
                  $$VALUES (8, 50)$$, 'open_day records the hot dish''s change');
SELECT is(pg_temp.slots(:hot), '64 slots, 50 in all, spread 1', 'spread over the slots');

SELECT foodorder.cart_set(:c1, :hot, 2);
SELECT foodorder.cart_set(:c1, :plain, 1);
SELECT foodorder.place_order_from_cart(:c1) AS o5 \gset
SELECT results_eq(format('SELECT dish_id, quantity FROM foodorder.order_item WHERE order_id = %s ORDER BY dish_id', :o5),
                  format('VALUES (%s::bigint, 2), (%s, 1)', :hot, :plain),
                  'the cart order takes a hot dish like any other');
SELECT results_eq(format('SELECT stock FROM foodorder.menu WHERE id = %s', :hot),
                  $$VALUES (48)$$, 'and its portions');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() still finds nothing wrong');

------------------------------------------------------------------------
-- Who reads the menu
------------------------------------------------------------------------

SET ROLE foodorder_tap_hot_customer;
SELECT results_eq(format('SELECT stock, hot FROM foodorder.menu WHERE id = %s', :hot),
                  $$VALUES (48, true)$$, 'a customer role reads the menu');
SELECT is(left(pg_temp.outcome('SELECT count(*) FROM foodorder.dish_slot'), 6), '42501:',
          'but not the slots');
RESET ROLE;
SET ROLE foodorder_tap_hot_app;
SELECT results_eq(format('SELECT stock FROM foodorder.menu WHERE id = %s', :hot),
                  $$VALUES (48)$$, 'an app role reads the menu');
RESET ROLE;
SET ROLE foodorder_tap_hot_other;
SELECT results_eq(format('SELECT stock FROM foodorder.menu WHERE id = %s', :hot),
                  $$VALUES (48)$$, 'staff of another restaurant read the menu');
RESET ROLE;

------------------------------------------------------------------------
-- set_hot(false), and what verify() catches
------------------------------------------------------------------------

SELECT lives_ok(format('SELECT foodorder.set_hot(%s, false)', :hot), 'set_hot(false)');
SELECT results_eq(format('SELECT d.stock, d.sold, d.hot, m.stock, m.sold FROM foodorder.dish d
                            JOIN foodorder.menu m USING (id) WHERE id = %s', :hot),
                  $$VALUES (48, 90, false, 48, 90)$$,
                  'folds the slots back into the dish row: stock and sold as before');
SELECT is(pg_temp.slots(:hot), '0 slots, 0 in all, spread 0', 'and removes them');
SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() finds nothing wrong');

SELECT foodorder.set_hot(:hot);
UPDATE foodorder.dish SET stock = 5 WHERE id = :hot;
DELETE FROM foodorder.dish_slot WHERE dish_id = :hot AND slot = 3;
INSERT INTO foodorder.dish_slot VALUES (:plain, 0, 1, 0);
SELECT set_eq($$SELECT invariant, detail FROM foodorder.verify()
                WHERE invariant = 'a hot dish keeps its stock in its slots'$$,
              format($$VALUES ('a hot dish keeps its stock in its slots',
                               'dish %s is hot, has stock 5 in its row and slots 0 to 63'),
                              ('a hot dish keeps its stock in its slots',
                               'dish %s is not hot, has stock 39 in its row and slots 0 to 0')$$,
                     :hot, :plain),
              'verify() reports stock in a hot dish''s row, a missing slot, and slots of a plain dish');

SELECT * FROM finish();
ROLLBACK;
