// Shared by the end-to-end tests of the pages in ../public: the browser,
// the database (as the cluster owner, to set up menus and check results)
// and waits for conditions.  Run by test/screens/run, which exports
//   FOODORDER_URL       the server under test, http://127.0.0.1:PORT
//   FOODORDER_APP_ROLE  the server's database role (app, made staff here)
//   PGHOST PGPORT PGUSER PGDATABASE  the test database, as its owner
'use strict';

const { chromium } = require('playwright-core');
const pg = require('pg');

const BASE = process.env.FOODORDER_URL;
const APP_ROLE = process.env.FOODORDER_APP_ROLE;
// Generous: the machine may be shared and slow; a wait ends as soon as its
// condition holds, so the bound costs nothing when all is well.
const WAIT_MS = Number(process.env.FOODORDER_E2E_WAIT_MS || 60000);

if (!BASE || !APP_ROLE) {
  throw new Error('run through test/screens/run (FOODORDER_URL, FOODORDER_APP_ROLE unset)');
}

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
const WIDE = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // Chromium's sandbox refuses to run as root
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  });
}

async function connect() {
  const db = new pg.Client();
  await db.connect();
  return db;
}

async function one(db, sql, params) {
  const r = await db.query(sql, params);
  return r.rows[0];
}

// A restaurant of its own for each test, its kitchen run by the server's
// role.  dishes: [{name, price, stock, hot}]; returns {id, dishes: [ids]}.
async function makeRestaurant(db, name, dishes) {
  const { id } = await one(db, 'SELECT foodorder.add_restaurant($1) AS id', [name]);
  await db.query('SELECT foodorder.grant_staff($1, $2)', [APP_ROLE, id]);
  const ids = [];
  for (const d of dishes) {
    const r = await one(db, 'SELECT foodorder.add_dish($1, $2, price_cents => $3, stock => $4) AS id',
      [id, d.name, d.price, d.stock]);
    if (d.hot) await db.query('SELECT foodorder.set_hot($1)', [r.id]);
    ids.push(Number(r.id));
  }
  return { id: Number(id), dishes: ids };
}

async function makeCustomer(db, name) {
  const { id } = await one(db, 'SELECT foodorder.add_customer($1) AS id', [name]);
  return Number(id);
}

async function stockOf(db, dishId) {
  return (await one(db, 'SELECT stock FROM foodorder.menu WHERE id = $1', [dishId])).stock;
}

async function verify(db) {
  return (await db.query('SELECT invariant, detail FROM foodorder.verify()')).rows;
}

// Waits until fn() returns a truthy value (returned), polling every 100 ms;
// fails after WAIT_MS with what, and the last value seen.
async function waitUntil(what, fn, ms = WAIT_MS) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > until) {
      throw new Error(`gave up after ${ms / 1000} s waiting for ${what} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Waits until the page's DOM satisfies fn(arg) (run in the page), failing
// with what and the page's message line.
async function waitDom(page, what, fn, arg) {
  try {
    return await page.waitForFunction(fn, arg, { timeout: WAIT_MS, polling: 100 });
  } catch (err) {
    let msg = '';
    try { msg = await page.locator('[data-testid="message"]').textContent({ timeout: 1000 }); } catch (_) { /* closed */ }
    throw new Error(`gave up after ${WAIT_MS / 1000} s waiting for ${what} on ${page.url()}` +
      ` (page message: ${JSON.stringify(msg)}): ${err.message.split('\n')[0]}`);
  }
}

// The data-* attribute name of element data-testid=testid, in the page.
async function attr(page, testid, name) {
  return page.locator(`[data-testid="${testid}"]`).getAttribute(name, { timeout: WAIT_MS });
}

// Opens the customer's page and waits for its first refresh.
async function openCustomer(browser, restaurant, customer) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`customer ${customer} page error: ${e.message}`));
  await page.goto(`${BASE}/customer.html?restaurant=${restaurant}&customer=${customer}`);
  await waitDom(page, 'the customer page to load', () => document.body.dataset.loaded === 'true');
  return page;
}

async function openKitchen(browser, restaurant) {
  const context = await browser.newContext(WIDE);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`kitchen page error: ${e.message}`));
  await page.goto(`${BASE}/kitchen.html?restaurant=${restaurant}`);
  await waitDom(page, 'the kitchen board to load', () => document.body.dataset.loaded === 'true');
  return page;
}

// Taps + on the customer's page n times, each time waiting for the cart.
async function addToCart(page, dishId, n = 1) {
  for (let i = 1; i <= n; i++) {
    await page.click(`[data-testid="plus-${dishId}"]`, { timeout: WAIT_MS });
    await waitDom(page, `${i} of dish ${dishId} in the cart`,
      ([d, q]) => document.querySelector(`[data-testid="qty-${d}"]`).textContent === String(q),
      [dishId, i]);
  }
}

// The order outcome the page shows once no order is in flight:
// {kind: 'ok'|'error', text, orderId, sqlstate}.
async function orderOutcome(page) {
  await waitDom(page, 'the answer to the order', () => {
    const m = document.querySelector('[data-testid="message"]');
    return !m.hidden && (m.dataset.kind === 'ok' || m.dataset.kind === 'error');
  });
  return page.locator('[data-testid="message"]').evaluate((m) => ({
    kind: m.dataset.kind, text: m.textContent,
    orderId: m.dataset.orderId ? Number(m.dataset.orderId) : null, sqlstate: m.dataset.sqlstate || null,
  }));
}

module.exports = {
  BASE, APP_ROLE, WAIT_MS, PHONE, WIDE, launch, connect, one, makeRestaurant, makeCustomer,
  stockOf, verify, waitUntil, waitDom, attr, openCustomer, openKitchen, addToCart, orderOutcome,
};
