// The kitchen board: orders arrive, move through accept / ready / complete
// (and reject) by its buttons, and the customer's page follows; the stock
// column shows every dish's stock, low and sold-out ones marked, and the
// hot dishes, live.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

let browser;
let db;
before(async () => { [browser, db] = await Promise.all([h.launch(), h.connect()]); });
after(async () => { await Promise.allSettled([browser && browser.close(), db && db.end()]); });

// Waits until order id's card is in the board's column with that status.
function cardIn(page, id, column, status) {
  return h.waitDom(page, `order ${id} in column ${column} as ${status}`, ([i, c, s]) => {
    const card = document.querySelector(`[data-testid="korder-${i}"]`);
    return card && card.dataset.status === s &&
      card.closest('[data-testid^="column-"]').dataset.testid === `column-${c}`;
  }, [id, column, status]);
}

function customerSees(page, id, status) {
  return h.waitDom(page, `order ${id} shown ${status} to the customer`, ([i, s]) => {
    const row = document.querySelector(`[data-testid="order-${i}"]`);
    return row && row.dataset.status === s &&
      document.querySelector(`[data-testid="order-status-${i}"]`).textContent.includes(s);
  }, [id, status]);
}

test('the kitchen accepts, readies and completes an order; the customer sees each step', async (t) => {
  const r = await h.makeRestaurant(db, 'Board bistro', [
    { name: 'Mapo tofu', price: 1800, stock: 6 },
    { name: 'Spring rolls', price: 900, stock: 6 },
  ]);
  const [tofu, rolls] = r.dishes;
  const customer = await h.makeCustomer(db, 'Eve');
  const [page, kitchen] = await Promise.all([
    h.openCustomer(browser, r.id, customer), h.openKitchen(browser, r.id)]);

  await h.addToCart(page, tofu, 2);
  await page.click('[data-testid="order-button"]');
  const placed = await h.orderOutcome(page);
  assert.equal(placed.kind, 'ok', `the order is placed: ${JSON.stringify(placed)}`);
  const id = placed.orderId;

  await cardIn(kitchen, id, 'placed', 'placed');
  const lines = await kitchen.locator(`[data-testid="korder-${id}"] .korder-lines`).textContent();
  assert.match(lines, /2\s*\u00d7\s*Mapo tofu/, 'the card lists the order line');
  await h.waitDom(kitchen, 'the stock of the dish to drop to 4',
    (d) => document.querySelector(`[data-testid="kdish-${d}"]`).dataset.stock === '4', tofu);

  const steps = [['accept', 'accepted', 'accepted'], ['ready', 'ready', 'ready'], ['complete', 'done', 'completed']];
  for (const [action, column, status] of steps) {
    await kitchen.click(`[data-testid="${action}-${id}"]`, { timeout: h.WAIT_MS });
    await cardIn(kitchen, id, column, status);
    await customerSees(page, id, status);
    const inDb = (await h.one(db, 'SELECT status FROM foodorder.orders WHERE id = $1', [id])).status;
    assert.equal(inDb, status, `the database says ${status}`);
  }

  // a second order, rejected: its portion goes back on the board
  await h.addToCart(page, rolls, 1);
  await page.click('[data-testid="order-button"]');
  const second = await h.orderOutcome(page);
  assert.equal(second.kind, 'ok', `the second order is placed: ${JSON.stringify(second)}`);
  await cardIn(kitchen, second.orderId, 'placed', 'placed');
  await kitchen.click(`[data-testid="reject-${second.orderId}"]`, { timeout: h.WAIT_MS });
  await cardIn(kitchen, second.orderId, 'done', 'rejected');
  await customerSees(page, second.orderId, 'rejected');
  await h.waitDom(kitchen, 'the rejected portion back in stock',
    (d) => document.querySelector(`[data-testid="kdish-${d}"]`).dataset.stock === '6', rolls);
  assert.deepEqual(await h.verify(db), [], 'verify() empty');
  t.diagnostic(`order ${id} placed -> accepted -> ready -> completed on both screens; order ${second.orderId} rejected, stock back to 6`);
});

test('the board shows each dish\'s stock, marks low and sold-out stock and hot dishes, live', async (t) => {
  const r = await h.makeRestaurant(db, 'Stock stall', [
    { name: 'Chicken rice', price: 1500, stock: 20, hot: true },
    { name: 'Laksa', price: 1700, stock: 2 },
    { name: 'Satay', price: 1300, stock: 0 },
  ]);
  const [chicken, laksa, satay] = r.dishes;
  const kitchen = await h.openKitchen(browser, r.id);

  const row = (d) => kitchen.locator(`[data-testid="kdish-${d}"]`);
  const shown = async (d) => ({
    stock: await row(d).getAttribute('data-stock'), hot: await row(d).getAttribute('data-hot'),
    level: await row(d).getAttribute('data-level'),
    badge: await kitchen.locator(`[data-testid="hot-${d}"]`).count(),
  });
  assert.deepEqual(await shown(chicken), { stock: '20', hot: 'true', level: 'ok', badge: 1 }, 'hot dish');
  assert.deepEqual(await shown(laksa), { stock: '2', hot: 'false', level: 'low', badge: 0 }, 'low stock');
  assert.deepEqual(await shown(satay), { stock: '0', hot: 'false', level: 'sold-out', badge: 0 }, 'sold out');
  assert.match(await row(satay).textContent(), /sold out/i);

  // the owner (any client) changes the menu: the board follows by itself
  await db.query('SELECT foodorder.set_hot($1, false), foodorder.set_hot($2)', [chicken, laksa]);
  await db.query('SELECT foodorder.restock($1, 5)', [satay]);
  await h.waitDom(kitchen, 'the new hot flags and stock', ([c, l, s]) => {
    const q = (d) => document.querySelector(`[data-testid="kdish-${d}"]`).dataset;
    return q(c).hot === 'false' && !document.querySelector(`[data-testid="hot-${c}"]`) &&
      q(l).hot === 'true' && document.querySelector(`[data-testid="hot-${l}"]`) &&
      q(s).stock === '5' && q(s).level === 'ok';
  }, [chicken, laksa, satay]);
  const dbHot = (await db.query('SELECT id::int FROM foodorder.menu WHERE restaurant_id = $1 AND hot', [r.id])).rows;
  assert.deepEqual(dbHot.map((x) => x.id), [laksa], 'the database has the same hot dish');
  t.diagnostic('hot 20 / low 2 / sold out 0 shown; after set_hot and restock the board shows the new hot dish and stock 5');
});
