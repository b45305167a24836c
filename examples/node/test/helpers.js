'use strict';
// What the API tests share: the extension owner's own connection, for what
// the API does not do (the menu, staff grants, checking the books); the API
// server started in this process, connected as the application role; and
// JSON requests over real HTTP, each one checked against examples/openapi.json
// (test/openapi.js) and recorded for the check that every documented
// operation was exercised.
//
// test/node/run makes the database and the roles and exports:
//   FOODORDER_NODE_DB             the test database, with foodorder
//   FOODORDER_NODE_APP_ROLE       a role granted with foodorder.grant_app()
//   FOODORDER_NODE_CUSTOMER_ROLE  a login role the tests make a customer
//   FOODORDER_NODE_NOGRANT_ROLE   a login role granted nothing
//   FOODORDER_NODE_SEEN           a folder where the operations met are written
// PGHOST, PGPORT and PGUSER (a superuser: the extension's owner) as usual.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const nodePath = require('node:path');
const { createPool, createServer } = require('../server');
const openapi = require('./openapi');

const DB = process.env.FOODORDER_NODE_DB;
const APP_ROLE = process.env.FOODORDER_NODE_APP_ROLE;
const CUSTOMER_ROLE = process.env.FOODORDER_NODE_CUSTOMER_ROLE;
const NOGRANT_ROLE = process.env.FOODORDER_NODE_NOGRANT_ROLE;
if (!DB || !APP_ROLE || !CUSTOMER_ROLE || !NOGRANT_ROLE) {
  throw new Error('run the tests with test/node/run (FOODORDER_NODE_DB etc. unset)');
}

// The owner: the PGUSER superuser, on the test database.
let ownerPool;
function owner() {
  ownerPool ??= createPool({ database: DB, max: 4 });
  return ownerPool;
}

async function sql(text, ...params) {
  return (await owner().query(text, params)).rows;
}

async function value(text, ...params) {
  const [row] = await owner().query({ text, values: params, rowMode: 'array' })
    .then((r) => r.rows);
  return row[0];
}

const restaurant = (fee = 0) => value('SELECT foodorder.add_restaurant($1, $2)',
  'Test kitchen', fee);
const dish = (r, priceCents = 1000, stock = 10, name = 'Dish') => value(
  'SELECT foodorder.add_dish($1, $2, $3, $4)', r, name, priceCents, stock);
const customer = (name = 'Customer') => value('SELECT foodorder.add_customer($1)', name);
const stockAndSold = async (d) => {
  const [row] = await sql('SELECT stock, sold FROM foodorder.menu WHERE id = $1', d);
  return [row.stock, row.sold];
};

// An API server on a loopback port of its own, its pool logging in as
// user (the app role unless said otherwise).  logs collects what it logs.
// pool: pg.Pool settings, or an object with connect() to use as the pool.
async function startApi({ user = APP_ROLE, max = 10, pool: poolConfig = {}, publicDir } = {}) {
  const pool = typeof poolConfig.connect === 'function' ? poolConfig
    : createPool({ database: DB, user, max, ...poolConfig });
  const logs = [];
  const record = (level) => (...args) => logs.push({ level, text: args.map(String).join(' ') });
  const log = { error: record('error'), warn: record('warn'), info: record('info') };
  const server = createServer({ pool, log, ...(publicDir ? { publicDir } : {}) });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    pool,
    logs,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      if (pool.end) await pool.end();
    },
  };
}

// Operations met by this process, written to FOODORDER_NODE_SEEN at exit.
const seen = new Set();
process.on('exit', () => {
  const folder = process.env.FOODORDER_NODE_SEEN;
  if (folder && seen.size) {
    fs.writeFileSync(nodePath.join(folder, `seen-${process.pid}.json`),
      JSON.stringify([...seen]));
  }
});

// One request: {status, headers, body (decoded JSON), text}.  body: an
// object is sent as JSON, a string or Buffer as it is, undefined as none.
// Every answer of an API path is checked against examples/openapi.json,
// and so is an object body the server accepted (2xx).  With FOODORDER_OPENAPI_RECORD=file, every answer is
// also written there as a JSON line, for the Django example's checker
// (examples/django/foodorder_api/tests/openapi.py) to read again.
async function call(api, method, path, body, { headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    init.headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(api.url + path, init);
  const text = await response.text();
  const answer = {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    text,
    body: response.headers.get('content-type') === 'application/json' && text ? JSON.parse(text) : text,
  };
  const sent = body === undefined || typeof body === 'string' || Buffer.isBuffer(body)
    ? undefined : body;
  const operation = openapi.check(method, path, answer, sent);
  if (operation) seen.add(`${operation} ${answer.status}`);
  // recorded: the path as the servers route it (percent-decoded); not HEAD,
  // whose answer has no body to check
  if (process.env.FOODORDER_OPENAPI_RECORD && method !== 'HEAD') {
    fs.appendFileSync(process.env.FOODORDER_OPENAPI_RECORD, `${JSON.stringify({
      method, url: decoded(path), status: answer.status, headers: answer.headers,
      body: typeof answer.body === 'string' ? null : answer.body,
      request_body: sent === undefined ? null : sent,
    })}\n`);
  }
  return answer;
}

function decoded(path) {
  try {
    return decodeURIComponent(path);
  } catch (err) {
    return path;
  }
}

// answer is an error with this status and SQLSTATE; returns its error object.
function assertError(answer, status, sqlstate) {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.headers['content-type'], 'application/json');
  assert.equal(answer.body.error.sqlstate, sqlstate, answer.text);
  assert.ok(answer.body.error.message, answer.text);
  for (const key of ['detail', 'hint']) {
    assert.ok(key in answer.body.error, `error.${key} is always there: ${answer.text}`);
  }
  if (status === 503) assert.equal(answer.headers['retry-after'], '1');
  return answer.body.error;
}

// Poll until check() is truthy, up to seconds (a busy machine is slow,
// not broken); fails with what() if it never is.
async function waitFor(check, what, seconds = 120) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`waited ${seconds} s for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function end() {
  if (ownerPool) await ownerPool.end();
  ownerPool = undefined;
}

module.exports = {
  DB, APP_ROLE, CUSTOMER_ROLE, NOGRANT_ROLE, owner, sql, value, restaurant, dish, customer, stockAndSold,
  startApi, call, assertError, waitFor, end,
};
