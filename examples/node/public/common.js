// Shared by the customer page and the kitchen board: calls to the JSON API
// of examples/node/server.js (examples/openapi.json) and small DOM helpers.
'use strict';

// An API error as the page shows it: the server's error JSON
// {error: {sqlstate, message, detail, hint}} and the HTTP status.
class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.sqlstate = e.sqlstate || null;
    this.detail = e.detail || null;
    this.hint = e.hint || null;
  }
}

// fetch() with JSON in and out; throws ApiError for a non-2xx answer and
// TypeError (from fetch) when the server could not be reached.
async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let json = null;
  try { json = await res.json(); } catch (_) { /* not JSON: keep null */ }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

// The positive integer query parameter name, or null.
// The element a test finds by its data-testid, as the pages name theirs.
const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

// The page's one status line: kind is info, ok or error ('' hides it).
function say(kind, text) {
  const m = $('message');
  m.hidden = !text;
  m.textContent = text || '';
  m.dataset.kind = kind;
  delete m.dataset.orderId;
  delete m.dataset.sqlstate;
}

function intParam(name) {
  const v = new URLSearchParams(location.search).get(name);
  return v && /^[0-9]+$/.test(v) ? Number(v) : null;
}

function money(cents) {
  return (Number(cents) / 100).toFixed(2);  // a bigint may come as a string
}

// el('li', {class: 'x', dataset: {testid: 'y'}}, child, 'text', ...)
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'onclick') node.addEventListener('click', v);
    else if (k === 'disabled') node.disabled = true;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

// Runs fn now and then every ms after each run has finished, so a slow
// answer never piles up requests.  The returned function runs it afresh at
// once (after the run in progress, whose answers may predate what the
// caller just did) and resolves when that run is done.
function poll(fn, ms) {
  let timer = null;
  let running = null;
  async function run() {
    while (running) await running;
    clearTimeout(timer);
    running = (async () => {
      try { await fn(); } catch (err) { console.warn('poll', err); }
    })();
    await running;
    running = null;
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  }
  run();
  return run;
}

// An error as one line for the user: message, then the database's detail.
function describeError(err) {
  if (err instanceof ApiError) {
    return err.detail ? `${err.message}: ${err.detail}` : err.message;
  }
  return 'no answer from the server';
}
