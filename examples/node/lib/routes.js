'use strict';
// The JSON endpoints: check the request's shape, call store.js, answer.
// The same paths, checks and answers as examples/django/foodorder_api/
// {urls,views}.py, plus the kitchen board's endpoints.
//
// The values themselves (empty order, unknown pay method, negative
// quantity...) are for the extension to judge; the app only makes sure the
// JSON has the right types, so a 1.5 is not silently rounded to 2.
const { randomUUID } = require('node:crypto');
const store = require('./store');
const { ApiError, RETRY_AFTER_SECONDS, apiErrorOf } = require('./errors');
const { serveStatic } = require('./static');

// Django reads at most this much of a body (DATA_UPLOAD_MAX_MEMORY_SIZE).
const MAX_BODY_BYTES = 2.5 * 1024 * 1024;

// ---------------------------------------------------------------- answers

// JSON as Django's JsonResponse writes it: every non-ASCII character as a
// \uXXXX escape (json.dumps' ensure_ascii), so the bytes are ASCII.
function jsonText(body) {
  return JSON.stringify(body).replace(/[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sendJson(res, status, body, headers = {}) {
  const text = jsonText(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendError(res, error, headers = {}) {
  if (error.status === 503) headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
  sendJson(res, error.status, { error: error.body }, headers);
}

// ------------------------------------------------------------ the request

// Python's json module, which the Django example parses bodies with, tells
// what JSON.parse does not: a number written with a fraction or an
// exponent (1.0, 1e2) is a float there, never an integer; and an integer
// past 2^53 keeps every digit.  Such numbers are wrapped before parsing.
class JsonFloat {
  constructor(value) { this.value = value; }
}
// An integer beyond Number's exact range, kept as its digits; pg sends
// toPostgres()'s text, so the database gets (and range-checks) it exactly.
class JsonBigInt {
  constructor(text) { this.text = text; }

  toPostgres() { return this.text; }

  toJSON() { return Number(this.text); }
}
const WRAP_KEY = `wrapped ${randomUUID()}`;
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

function parseJson(text) {
  const value = JSON.parse(text); // throws on what is not JSON
  if (!/[.eE]|\d{16}/.test(text)) return value;
  // The text is valid JSON: strings and numbers can be told apart by a scan.
  const marked = text.replace(STRING_OR_NUMBER, (token) => {
    if (token[0] === '"') return token;
    if (/[.eE]/.test(token)) return `{${JSON.stringify(WRAP_KEY)}:[0,${token}]}`;
    if (!Number.isSafeInteger(Number(token))) return `{${JSON.stringify(WRAP_KEY)}:[1,"${token}"]}`;
    return token;
  });
  return JSON.parse(marked, (key, v) => {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, WRAP_KEY)) return v;
    const [kind, number] = v[WRAP_KEY];
    return kind === 0 ? new JsonFloat(number) : new JsonBigInt(number);
  });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(400, `the body is larger than ${MAX_BODY_BYTES} bytes`));
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', reject);
  });
}

// The body as a JSON object ({} when empty, as Django's views take it).
async function jsonBody(req) {
  const bytes = await readBody(req);
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new ApiError(400, 'the body is not JSON: it is not UTF-8');
  }
  let body;
  try {
    body = parseJson(text === '' ? '{}' : text);
  } catch (err) {
    throw new ApiError(400, `the body is not JSON: ${err.message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)
      || body instanceof JsonFloat) {
    throw new ApiError(400, 'the body must be a JSON object');
  }
  return body;
}

// body[name], or null when absent or null (Python's dict.get).
function field(body, name) {
  return Object.hasOwn(body, name) ? body[name] : null;
}

function isInt(value) {
  return (typeof value === 'number' && Number.isInteger(value)) || value instanceof JsonBigInt;
}

function intField(body, name) {
  const value = field(body, name);
  if (value !== null && !isInt(value)) throw new ApiError(400, `"${name}" must be an integer`);
  return value;
}

// body[name] as a list of integers (null elements kept), or null.
function intListField(body, name) {
  const value = field(body, name);
  if (value !== null && !(Array.isArray(value) && value.every((v) => v === null || isInt(v)))) {
    throw new ApiError(400, `"${name}" must be a list of integers`);
  }
  return value;
}

function strField(body, name) {
  const value = field(body, name);
  if (value !== null && typeof value !== 'string') {
    throw new ApiError(400, `"${name}" must be a string`);
  }
  return value;
}

// ------------------------------------------------------------- endpoints
// Each handler gets ({pool, req, params, query}) and returns [status, body].

async function menu({ pool, query }) {
  // Django's request.GET.get: the last value given
  const restaurant = query.getAll('restaurant').at(-1) ?? '';
  if (!/^[0-9]+$/.test(restaurant)) {
    throw new ApiError(400, 'give the restaurant id: /menu?restaurant=1');
  }
  return [200, await store.menu(pool, restaurant)];
}

async function addCustomer({ pool, req }) {
  const name = strField(await jsonBody(req), 'name');
  // add_customer is STRICT: a NULL name would return NULL, not an error
  if (name === null) throw new ApiError(400, '"name" is required');
  return [201, { customer_id: await store.addCustomer(pool, name) }];
}

async function addAddress({ pool, req, params }) {
  const body = await jsonBody(req);
  const detail = strField(body, 'detail');
  const label = strField(body, 'label');
  return [201, { address_id: await store.addAddress(pool, params.customer_id, detail, label) }];
}

async function getCart({ pool, params }) {
  return [200, await store.cart(pool, params.customer_id)];
}

async function clearCart({ pool, params }) {
  return [200, await store.cartClear(pool, params.customer_id)];
}

async function setCartLine({ pool, req, params }) {
  const quantity = intField(await jsonBody(req), 'quantity');
  return [200, await store.cartSet(pool, params.customer_id, params.dish_id, quantity)];
}

async function listOrders({ pool, params }) {
  return [200, await store.ordersOf(pool, params.customer_id)];
}

async function placeOrder({ pool, req, params }) {
  const body = await jsonBody(req);
  const address = intField(body, 'address');
  const payMethod = strField(body, 'pay_method');
  const requestKey = strField(body, 'request_key');
  const fromCart = Object.hasOwn(body, 'from_cart') ? body.from_cart : false;
  if (typeof fromCart !== 'boolean') throw new ApiError(400, '"from_cart" must be true or false');
  let order;
  if (fromCart) {
    order = await store.placeOrderFromCart(pool, params.customer_id, address, payMethod,
      requestKey);
  } else {
    const dishes = intListField(body, 'dishes');
    const quantities = intListField(body, 'quantities');
    order = await store.placeOrder(pool, params.customer_id, dishes, quantities, address,
      payMethod, requestKey);
  }
  // 201 for a repeated request_key too: the client gets the same order back.
  return [201, order];
}

async function restaurantOrders({ pool, params }) {
  return [200, await store.restaurantOrders(pool, params.restaurant_id)];
}

function statusChange(action) {
  return async ({ pool, params }) => [200, await store.changeStatus(pool, action, params.order_id)];
}

// --------------------------------------------------------------- the table

// template: the path as examples/openapi.json writes it; {name} is digits
// within PostgreSQL's bigint, as the Django example's <id:name>: a longer id
// is no path (404), as no row could have it.
const { BIGINT_MAX } = store;
const ROUTES = [
  ['/menu', { GET: menu }],
  ['/customers', { POST: addCustomer }],
  ['/customers/{customer_id}/addresses', { POST: addAddress }],
  ['/customers/{customer_id}/cart', { GET: getCart, DELETE: clearCart }],
  ['/customers/{customer_id}/cart/{dish_id}', { PUT: setCartLine }],
  ['/customers/{customer_id}/orders', { GET: listOrders, POST: placeOrder }],
  ['/restaurants/{restaurant_id}/orders', { GET: restaurantOrders }],
  ...Object.keys(store.STATUS_FUNCTIONS).map(
    (action) => [`/orders/{order_id}/${action}`, { POST: statusChange(action) }]),
].map(([template, methods]) => {
  const names = [];
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_, name) => {
    names.push(name);
    return '([0-9]+)';
  })}$`);
  return { template, methods, names, pattern };
});

function match(path) {
  for (const route of ROUTES) {
    const found = route.pattern.exec(path);
    if (found && found.slice(1).every((id) => BigInt(id) <= BIGINT_MAX)) {
      const params = Object.fromEntries(route.names.map((name, i) => [name, found[i + 1]]));
      return { route, params };
    }
  }
  return null;
}

// ----------------------------------------------------------- the dispatcher

// The request's path, percent-decoded as Django matches it (null if the
// encoding is broken), and its query.
function splitUrl(url) {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  let path;
  try {
    path = decodeURIComponent(rawPath);
  } catch (err) {
    path = null;
  }
  return { path, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
}

function makeHandler({ pool, publicDir, log = console }) {
  return async function handle(req, res) {
    try {
      const { path, query } = splitUrl(req.url);
      const found = path === null ? null : match(path);
      if (!found) {
        if (path !== null && await serveStatic(req, res, publicDir, path)) return;
        throw new ApiError(404, `no such path: ${path ?? req.url}`);
      }
      const { route, params } = found;
      const allowed = Object.keys(route.methods);
      const view = route.methods[req.method];
      if (!view) {
        sendError(res, new ApiError(405, `use ${allowed.join(' or ')}`),
          { Allow: allowed.join(', ') });
        return;
      }
      const [status, body] = await view({ pool, req, params, query });
      sendJson(res, status, body);
    } catch (err) {
      if (res.headersSent) {
        log.error('error after the answer began:', err);
        res.destroy();
        return;
      }
      sendError(res, apiErrorOf(err, log));
    }
  };
}

module.exports = {
  makeHandler, ROUTES, BIGINT_MAX, match, parseJson, JsonFloat, JsonBigInt, jsonText,
};
