// The pictures in docs/apps.md, when FOODORDER_SCREENSHOTS names a folder
// (test/screens/run --screenshots: docs/screens): customer.png, the
// customer's page on a phone with stock, a sold-out dish, a cart and an
// order; kitchen.png, the board with orders in every state and a hot dish.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

const out = process.env.FOODORDER_SCREENSHOTS;

test('screenshots for docs/apps.md', { skip: !out && 'FOODORDER_SCREENSHOTS not set' }, async (t) => {
  const db = await h.connect();
  const browser = await h.launch();
  t.after(() => Promise.allSettled([browser.close(), db.end()]));

  const r = await h.makeRestaurant(db, 'Noodle bar', [
    { name: 'Beef noodles', price: 2200, stock: 40, hot: true },
    { name: 'Dan dan noodles', price: 1800, stock: 6 },
    { name: 'Wonton soup', price: 1500, stock: 3 },
    { name: 'Spring rolls', price: 900, stock: 24 },
    { name: 'Jasmine tea', price: 400, stock: 60 },
  ]);
  const [beef, dandan, wonton, rolls, tea] = r.dishes;
  const li = await h.makeCustomer(db, 'Li Lei');
  const others = [];
  for (const name of ['Han Meimei', 'Wang Fang', 'Zhang Wei', 'Liu Yang', 'Chen Jing', 'Yang Min']) {
    others.push(await h.makeCustomer(db, name));
  }
  // the evening so far: orders of the other customers in every state
  const order = async (c, dishes, qty) => Number((await h.one(db,
    'SELECT foodorder.place_order($1, $2::bigint[], $3::int[]) AS id', [c, dishes, qty])).id);
  const o = [];
  o.push(await order(others[0], [beef, tea], [2, 2]));
  o.push(await order(others[1], [wonton], [3]));          // the last of the soup
  o.push(await order(others[2], [dandan, rolls], [1, 2]));
  o.push(await order(others[3], [beef], [1]));
  o.push(await order(others[4], [rolls, tea], [1, 1]));
  o.push(await order(others[5], [beef, dandan], [1, 1]));
  const act = (fn, id) => db.query(`SELECT foodorder.${fn}($1)`, [id]);
  for (const id of [o[0], o[1]]) { await act('accept_order', id); await act('mark_ready', id); await act('complete_order', id); }
  await act('accept_order', o[2]); await act('mark_ready', o[2]);
  await act('accept_order', o[3]);
  await act('reject_order', o[4]);

  // Li Lei orders on the phone, the kitchen accepts, Li Lei fills the cart again
  const page = await h.openCustomer(browser, r.id, li);
  await h.addToCart(page, beef, 1);
  await h.addToCart(page, dandan, 1);
  await page.click('[data-testid="order-button"]');
  const placed = await h.orderOutcome(page);
  assert.equal(placed.kind, 'ok', JSON.stringify(placed));
  await act('accept_order', placed.orderId);
  await h.addToCart(page, rolls, 2);
  await h.addToCart(page, tea, 1);
  await h.waitDom(page, 'the accepted order and the sold-out soup', ([id, w]) =>
    document.querySelector(`[data-testid="order-${id}"]`)?.dataset.status === 'accepted' &&
    document.querySelector(`[data-testid="dish-${w}"]`).dataset.soldOut === 'true', [placed.orderId, wonton]);

  const kitchen = await h.openKitchen(browser, r.id);
  await h.waitDom(kitchen, 'every order on the board', (n) =>
    document.querySelectorAll('.korder').length === n, o.length + 1);

  fs.mkdirSync(out, { recursive: true });
  const files = [['customer.png', page], ['kitchen.png', kitchen]];
  const sizes = [];
  for (const [name, p] of files) {
    const file = path.join(out, name);
    await p.screenshot({ path: file, fullPage: name === 'customer.png', animations: 'disabled', caret: 'hide' });
    const kb = Math.round(fs.statSync(file).size / 1024);
    assert.ok(kb < 200, `${name} is ${kb} KB, over 200`);
    sizes.push(`${name} ${kb} KB`);
  }
  t.diagnostic(`${out}: ${sizes.join(', ')}`);
});
