// Two customers, two browser contexts, one portion left: both press Order
// while the dish row is locked from here, so both requests are inside
// place_order_from_cart waiting for that lock before it is released: a
// real race, whatever the machine's speed.  Exactly one gets the portion.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

test('race for the last portion: one order, one sold-out refusal', async (t) => {
  const db = await h.connect();
  const holder = await h.connect();
  const browser = await h.launch();
  t.after(async () => {
    await holder.query('ROLLBACK').catch(() => {});
    await Promise.allSettled([browser.close(), db.end(), holder.end()]);
  });

  const r = await h.makeRestaurant(db, 'Race canteen', [
    { name: 'Last braised pork', price: 2600, stock: 1 },
    { name: 'Rice', price: 200, stock: 50 },
  ]);
  const [pork] = r.dishes;
  const ann = await h.makeCustomer(db, 'Ann');
  const bob = await h.makeCustomer(db, 'Bob');
  const [pageA, pageB] = await Promise.all([
    h.openCustomer(browser, r.id, ann), h.openCustomer(browser, r.id, bob)]);
  await Promise.all([h.addToCart(pageA, pork), h.addToCart(pageB, pork)]);
  // one portion left and one in the cart: the page offers no second one
  for (const p of [pageA, pageB]) {
    assert.equal(await p.locator(`[data-testid="plus-${pork}"]`).isDisabled(), true,
      '+ must be disabled when the cart holds all the stock');
  }

  // Hold the dish row so that both orders have to wait for it.
  await holder.query('BEGIN');
  await holder.query('SELECT id FROM foodorder.dish WHERE id = $1 FOR UPDATE', [pork]);
  await Promise.all([
    pageA.click('[data-testid="order-button"]'),
    pageB.click('[data-testid="order-button"]'),
  ]);
  // Both order requests wait for the lock held here: directly, or behind
  // the first waiter (pg_blocking_pids names the backend ahead of them).
  const holderPid = (await h.one(holder, 'SELECT pg_backend_pid() AS pid')).pid;
  const waiting = await h.waitUntil('both orders to wait for the dish lock', async () => {
    const { n } = await h.one(db, `
      WITH RECURSIVE blocked(pid) AS (
          SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))
        UNION
          SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY (pg_blocking_pids(a.pid)))
      SELECT count(*)::int AS n FROM blocked JOIN pg_stat_activity USING (pid)
       WHERE query ILIKE '%place_order_from_cart%'`, [holderPid]);
    return n === 2 && n;
  });
  // both pages are mid-order: the button is off until the answer
  for (const p of [pageA, pageB]) {
    assert.equal(await p.locator('[data-testid="order-button"]').isDisabled(), true,
      'Order must be disabled while the order is in flight');
  }
  await holder.query('COMMIT');

  const [a, b] = await Promise.all([h.orderOutcome(pageA), h.orderOutcome(pageB)]);
  const outcomes = [a, b].map((o) => o.kind).sort();
  assert.deepEqual(outcomes, ['error', 'ok'], `one order and one refusal: ${JSON.stringify([a, b])}`);
  const [winner, loser] = a.kind === 'ok' ? [pageA, pageB] : [pageB, pageA];
  const won = a.kind === 'ok' ? a : b;
  const lost = a.kind === 'ok' ? b : a;
  assert.equal(lost.sqlstate, 'OR001', `the refusal is OR001: ${JSON.stringify(lost)}`);
  assert.match(lost.text, /0 left|left/i, 'the refusal shows the detail');

  // the loser sees the dish sold out, + off; the winner sees the order
  await h.waitDom(loser, 'the dish shown sold out', (d) => {
    const row = document.querySelector(`[data-testid="dish-${d}"]`);
    return row.dataset.soldOut === 'true' && /sold out/i.test(row.textContent) &&
      document.querySelector(`[data-testid="plus-${d}"]`).disabled;
  }, pork);
  await h.waitDom(winner, 'the order in My orders', (id) =>
    document.querySelector(`[data-testid="order-${id}"]`)?.dataset.status === 'placed', won.orderId);

  const stock = await h.stockOf(db, pork);
  const { orders } = await h.one(db, `
    SELECT count(DISTINCT o.id)::int AS orders FROM foodorder.orders o
      JOIN foodorder.order_item i ON i.order_id = o.id WHERE i.dish_id = $1`, [pork]);
  const broken = await h.verify(db);
  assert.equal(stock, 0, 'stock 0');
  assert.equal(orders, 1, 'exactly one order of the dish');
  assert.deepEqual(broken, [], 'verify() empty');
  t.diagnostic(`${waiting} orders waited on the lock; 1 placed, 1 OR001 ("${lost.text}"); stock ${stock}, verify() ${broken.length} rows`);
});
