-- verify(): empty on a healthy database with orders in every state, and
-- one row per broken invariant, with a detail naming what is wrong, when
-- the owner corrupts the data behind the functions' back.  Every
-- corruption is undone before the next one.
\ir include/fixture.psql
SELECT plan(18);

SELECT is_empty('SELECT * FROM foodorder.verify()', 'verify() is empty on a fresh install');

SELECT foodorder.add_dish(1, 'Kung Pao chicken', 2800, 10) AS chicken \gset
SELECT foodorder.add_dish(1, 'Mapo tofu', 1800, 10) AS tofu \gset
SELECT foodorder.add_restaurant('Noodle bar', 500) AS r2 \gset
SELECT foodorder.add_dish(:r2, 'Beef noodles', 2200, 10) AS noodles \gset
SELECT foodorder.add_customer('Li Lei') AS c1 \gset
SELECT foodorder.add_address(:c1, 'Room 12') AS a1 \gset

-- Orders in every state: live, with a delivery fee, cancelled, rejected,
-- completed and paid, expired.
SELECT foodorder.place_order(:c1, ARRAY[:chicken, :tofu]::bigint[], ARRAY[2, 1]) AS o1 \gset
SELECT foodorder.place_order(:c1, ARRAY[:noodles]::bigint[], ARRAY[1], :a1) AS o2 \gset
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[1]) AS o3 \gset
SELECT foodorder.cancel_order(:o3) \gset
SELECT foodorder.place_order(:c1, ARRAY[:tofu]::bigint[], ARRAY[2]) AS o4 \gset
SELECT foodorder.reject_order(:o4) \gset
SELECT foodorder.place_order(:c1, ARRAY[:tofu]::bigint[], ARRAY[1], NULL, 'cash') AS o5 \gset
SELECT foodorder.accept_order(:o5) AND foodorder.mark_ready(:o5) AND foodorder.complete_order(:o5)
   AND foodorder.mark_paid(:o5) AS moved \gset
SELECT foodorder.place_order(:c1, ARRAY[:chicken]::bigint[], ARRAY[3]) AS o6 \gset
UPDATE foodorder.orders SET created_at = now() - interval '1 hour' WHERE id = :o6;
SELECT foodorder.expire_orders('30 minutes') AS expired \gset
SELECT foodorder.restock(:noodles, 5) \gset

SELECT results_eq(
    'SELECT id, stock, sold FROM foodorder.dish ORDER BY id',
    format('VALUES (%s::bigint, 8, 2), (%s, 8, 2), (%s, 14, 1)', :chicken, :tofu, :noodles),
    'the data as the functions left it: only live orders hold stock');
SELECT is_empty('SELECT * FROM foodorder.verify()',
    'verify() is empty with live, fee-paying, cancelled, rejected, completed and expired orders');

------------------------------------------------------------------------
-- One invariant broken at a time.
------------------------------------------------------------------------

-- sold that does not match the live lines.
UPDATE foodorder.dish SET sold = sold + 1 WHERE id = :chicken;
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify()',
    format($$VALUES ('sold matches the order lines'::text,
                     'dish %s has sold 3, its lines in live orders add up to 2'::text)$$, :chicken),
    'sold one too high: one row, sold matches the order lines, naming the dish and both numbers');
UPDATE foodorder.dish SET sold = sold - 1 WHERE id = :chicken;

-- An order cancelled behind the functions' back keeps its portions sold.
UPDATE foodorder.orders SET status = 'cancelled' WHERE id = :o1;
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify() ORDER BY detail',
    format($$VALUES ('sold matches the order lines'::text,
                     'dish %s has sold 2, its lines in live orders add up to 0'::text),
                    ('sold matches the order lines',
                     'dish %s has sold 2, its lines in live orders add up to 1')$$, :chicken, :tofu),
    'an order cancelled without giving stock back: one row per dish of it');
UPDATE foodorder.orders SET status = 'placed' WHERE id = :o1;

-- total_cents that does not match the lines and the fee.
UPDATE foodorder.orders SET total_cents = total_cents + 1 WHERE id = :o2;
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify()',
    format($$VALUES ('order totals match the lines'::text,
                     'order %s has total_count 1 and total_cents 2701, its lines and fee add up to 1 and 2700'::text)$$, :o2),
    'total_cents one too high: one row, order totals match the lines, naming the order and both totals');
UPDATE foodorder.orders SET total_cents = total_cents - 1 WHERE id = :o2;

-- total_count that does not match the lines.
UPDATE foodorder.orders SET total_count = total_count + 1 WHERE id = :o1;
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify()',
    format($$VALUES ('order totals match the lines'::text,
                     'order %s has total_count 4 and total_cents 7400, its lines and fee add up to 3 and 7400'::text)$$, :o1),
    'total_count one too high: one row, order totals match the lines');
UPDATE foodorder.orders SET total_count = total_count - 1 WHERE id = :o1;

-- A fee that is not in the total.
UPDATE foodorder.orders SET delivery_fee_cents = 0 WHERE id = :o2;
SELECT results_eq('SELECT invariant FROM foodorder.verify()',
    $$VALUES ('order totals match the lines'::text)$$,
    'a delivery fee dropped from an order but not from its total: order totals match the lines');
UPDATE foodorder.orders SET delivery_fee_cents = 500 WHERE id = :o2;

-- A line of a dish of another restaurant, with sold and totals made to match.
INSERT INTO foodorder.order_item (order_id, dish_id, quantity, price_cents) VALUES (:o1, :noodles, 1, 2200);
UPDATE foodorder.orders SET total_count = total_count + 1, total_cents = total_cents + 2200 WHERE id = :o1;
UPDATE foodorder.dish SET sold = sold + 1, stock = stock - 1 WHERE id = :noodles;
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify()',
    format($$VALUES ('an order has dishes of one restaurant'::text,
                     'order %s of restaurant 1 has dish %s of restaurant %s'::text)$$, :o1, :noodles, :r2),
    'a line of another restaurant''s dish: one row, an order has dishes of one restaurant');
DELETE FROM foodorder.order_item WHERE order_id = :o1 AND dish_id = :noodles;
UPDATE foodorder.orders SET total_count = total_count - 1, total_cents = total_cents - 2200 WHERE id = :o1;
UPDATE foodorder.dish SET sold = sold - 1, stock = stock + 1 WHERE id = :noodles;

-- An order moved to another restaurant than its dishes'.
UPDATE foodorder.orders SET restaurant_id = :r2 WHERE id = :o1;
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify() ORDER BY detail',
    format($$VALUES ('an order has dishes of one restaurant'::text,
                     'order %1$s of restaurant %3$s has dish %2$s of restaurant 1'::text),
                    ('an order has dishes of one restaurant',
                     'order %1$s of restaurant %3$s has dish %4$s of restaurant 1')$$,
           :o1, :chicken, :r2, :tofu),
    'an order of restaurant 2 with two dishes of restaurant 1: one row per line');
UPDATE foodorder.orders SET restaurant_id = 1 WHERE id = :o1;

-- Negative stock, which the CHECK constraint forbids; verify() catches it
-- where the constraint was dropped (or bypassed).
ALTER TABLE foodorder.dish DROP CONSTRAINT dish_stock_check;
UPDATE foodorder.dish SET stock = -1 WHERE id = :tofu;
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify()',
    format($$VALUES ('stock is not negative'::text, 'dish %s has stock -1'::text)$$, :tofu),
    'stock -1: one row, stock is not negative');
UPDATE foodorder.dish SET stock = 8 WHERE id = :tofu;

SELECT is_empty('SELECT * FROM foodorder.verify()', 'every corruption undone: verify() is empty again');

------------------------------------------------------------------------
-- Several broken at once: one row each, the healthy rest not reported.
------------------------------------------------------------------------

UPDATE foodorder.dish SET sold = sold + 5 WHERE id = :chicken;
UPDATE foodorder.dish SET sold = 0 WHERE id = :noodles;
UPDATE foodorder.orders SET total_cents = 0 WHERE id = :o5;
UPDATE foodorder.dish SET stock = -3 WHERE id = :tofu;
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify() ORDER BY invariant, detail',
    format($$VALUES ('order totals match the lines'::text,
                     'order %s has total_count 1 and total_cents 0, its lines and fee add up to 1 and 1800'::text),
                    ('pay_status matches the payments',
                     'order %s is paid with total_cents 0; paid: 1800; refunded: nothing'),
                    ('sold matches the order lines',
                     'dish %s has sold 7, its lines in live orders add up to 2'),
                    ('sold matches the order lines',
                     'dish %s has sold 0, its lines in live orders add up to 1'),
                    ('stock is not negative', 'dish %s has stock -3')$$,
           :o5, :o5, :chicken, :noodles, :tofu),
    'four corruptions: a row each, naming its invariant and what is wrong (the paid order''s new total also disagrees with its payment)');
SELECT results_eq(
    'SELECT DISTINCT invariant FROM foodorder.verify() ORDER BY 1',
    $$VALUES ('order totals match the lines'::text), ('pay_status matches the payments'),
             ('sold matches the order lines'), ('stock is not negative')$$,
    'the invariant names are the documented ones');

-- A cancelled or rejected order's lines are not counted in sold, but its
-- totals are still checked.
UPDATE foodorder.dish SET sold = sold - 5 WHERE id = :chicken;
UPDATE foodorder.dish SET sold = 1 WHERE id = :noodles;
UPDATE foodorder.orders SET total_cents = 1800 WHERE id = :o5;
UPDATE foodorder.dish SET stock = 8 WHERE id = :tofu;
UPDATE foodorder.orders SET total_cents = total_cents + 100 WHERE id = :o4;
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify()',
    format($$VALUES ('order totals match the lines'::text,
                     'order %s has total_count 2 and total_cents 3700, its lines and fee add up to 2 and 3600'::text)$$, :o4),
    'a rejected order''s total is checked too');
UPDATE foodorder.orders SET total_cents = total_cents - 100 WHERE id = :o4;

-- An order without lines.
INSERT INTO foodorder.orders (customer_id, restaurant_id, total_count, total_cents)
VALUES (:c1, 1, 1, 100) RETURNING id AS o_empty \gset
SELECT results_eq('SELECT invariant, detail FROM foodorder.verify()',
    format($$VALUES ('order totals match the lines'::text,
                     'order %s has total_count 1 and total_cents 100, its lines and fee add up to 0 and 0'::text)$$, :o_empty),
    'an order without lines: its totals do not match nothing');
DELETE FROM foodorder.orders WHERE id = :o_empty;

SELECT is_empty('SELECT * FROM foodorder.verify()', 'all undone: verify() is empty');
SELECT is(
    (SELECT provolatile FROM pg_catalog.pg_proc WHERE oid = 'foodorder.verify()'::regprocedure),
    's', 'verify() is STABLE: it reads, never writes');

SELECT * FROM finish();
ROLLBACK;
