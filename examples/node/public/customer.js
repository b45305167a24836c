// The customer's page: ?restaurant=R&customer=C.  The menu with live stock,
// the cart (kept by the database: /customers/C/cart), the Order button and
// the customer's orders, refreshed about once a second.
'use strict';

const restaurantId = intParam('restaurant');
const customerId = intParam('customer');
const POLL_MS = 1000;
const LOW_STOCK = 3;

const menuList = $('menu');
const orderButton = $('order-button');
const clearButton = $('clear-cart');

let dishes = new Map();     // dish id -> menu entry {id, name, price_cents, stock, hot}
let cart = { items: [], total_cents: 0 };
let cartEdits = 0;          // cart changes started so far
let cartBusy = 0;           // cart changes not answered yet
let cartQueue = Promise.resolve();  // cart changes, one after another
let ordering = false;       // an order request is in flight
// One request_key per checkout: made when Order is first pressed, reused by
// every retry and double tap until the server answers for sure (an order,
// or a refusal), and dropped when the customer edits the cart.
let checkoutKey = null;
let refreshNow = async () => {};  // menu, cart and orders read afresh (poll)

function newRequestKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context (https or localhost)
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// ---- menu ----------------------------------------------------------------

function inCart(dishId) {
  const line = cart.items.find((i) => i.dish_id === dishId);
  return line ? line.quantity : 0;
}

function dishRow(d) {
  const row = el('li', { class: 'dish', dataset: { testid: `dish-${d.id}`, dishId: d.id } },
    el('div', { class: 'dish-text' },
      el('span', { class: 'dish-name', dataset: { testid: `dish-name-${d.id}` } }, d.name),
      el('span', { class: 'dish-price' }),
      el('span', { class: 'dish-stock', dataset: { testid: `dish-stock-${d.id}` } })),
    el('div', { class: 'stepper' },
      el('button', { type: 'button', class: 'round', 'aria-label': `one less ${d.name}`,
        dataset: { testid: `minus-${d.id}` }, onclick: () => changeCart(d.id, -1) }, '\u2212'),
      el('span', { class: 'qty', dataset: { testid: `qty-${d.id}` } }),
      el('button', { type: 'button', class: 'round', 'aria-label': `one more ${d.name}`,
        dataset: { testid: `plus-${d.id}` }, onclick: () => changeCart(d.id, +1) }, '+')));
  return row;
}

// Updates the rows in place (no re-created buttons under a finger).
function renderMenu() {
  const seen = new Set();
  let prev = null;
  for (const d of dishes.values()) {
    seen.add(String(d.id));
    let row = menuList.querySelector(`[data-dish-id="${d.id}"]`);
    if (!row) row = dishRow(d);
    if (prev ? prev.nextSibling !== row : menuList.firstChild !== row) {
      menuList.insertBefore(row, prev ? prev.nextSibling : menuList.firstChild);
    }
    prev = row;
    const soldOut = d.stock <= 0;
    const qty = inCart(d.id);
    row.classList.toggle('sold-out', soldOut);
    row.classList.toggle('low', !soldOut && d.stock <= LOW_STOCK);
    row.dataset.stock = d.stock;
    row.dataset.soldOut = soldOut;
    row.querySelector('.dish-name').textContent = d.name;
    row.querySelector('.dish-price').textContent = money(d.price_cents);
    row.querySelector('.dish-stock').textContent = soldOut ? 'Sold out' : `${d.stock} left`;
    row.querySelector('.qty').textContent = qty || '';
    row.querySelector('[data-testid^="minus-"]').disabled = qty === 0;
    row.querySelector('[data-testid^="plus-"]').disabled = soldOut || qty >= d.stock;
  }
  for (const row of [...menuList.children]) {
    if (!seen.has(row.dataset.dishId)) row.remove();
  }
}

async function loadMenu() {
  const m = await api('GET', `/menu?restaurant=${restaurantId}`);
  $('restaurant-name').textContent = m.restaurant.name;
  document.title = `${m.restaurant.name}: order`;
  dishes = new Map(m.dishes.map((d) => [d.id, d]));
  renderMenu();
}

// ---- cart ----------------------------------------------------------------

function renderCart() {
  const lines = $('cart-lines');
  lines.replaceChildren(...cart.items.map((i) =>
    el('li', { class: i.on_sale ? '' : 'off-sale', dataset: { testid: `cart-line-${i.dish_id}` } },
      el('span', { class: 'cart-qty' }, `${i.quantity} \u00d7`),
      el('span', { class: 'cart-name' }, i.name),
      el('span', { class: 'cart-cents' }, money(i.line_cents)))));
  $('cart-empty').hidden = cart.items.length > 0;
  // sharded, a node down: its restaurants' lines may be missing (and Order
  // is refused rather than ordering without them)
  $('cart-incomplete').hidden = !cart.incomplete;
  $('cart-total').textContent = money(cart.total_cents);
  clearButton.disabled = ordering || cart.items.length === 0;
  // With a checkout in doubt (no answer came back) Order stays available
  // even for an empty cart: the same request_key returns the order if the
  // first try placed it and emptied the cart.
  orderButton.disabled = ordering || (cart.items.length === 0 && !checkoutKey);
  orderButton.textContent = ordering ? 'Ordering\u2026' : checkoutKey ? 'Retry order' : 'Order';
  renderMenu();
}

// A cart read that overlapped a change may predate it: the change's own
// answer (the cart after it) is what the page shows then.
async function loadCart() {
  if (cartBusy) return;
  const edits = cartEdits;
  const c = await api('GET', `/customers/${customerId}/cart`);
  if (edits === cartEdits && !cartBusy) { cart = c; renderCart(); }
}

// Runs change() after the changes before it, so that two quick taps on +
// make 2 and not 1; the checkout's request_key goes with the old cart.
function editCart(change) {
  cartEdits += 1;
  cartBusy += 1;
  checkoutKey = null;
  renderCart();
  cartQueue = cartQueue.then(async () => {
    let stale = false;
    try {
      await change();
      say('', '');
    } catch (err) {
      say('error', describeError(err));
      stale = err.sqlstate === 'OR001' || err.sqlstate === 'OR002';  // the menu changed
    } finally {
      cartBusy -= 1;
      renderCart();
    }
    if (stale) refreshNow();
  });
  return cartQueue;
}

function changeCart(dishId, delta) {
  return editCart(async () => {
    const quantity = Math.max(0, inCart(dishId) + delta);
    cart = await api('PUT', `/customers/${customerId}/cart/${dishId}`, { quantity });
  });
}

clearButton.addEventListener('click', () => editCart(async () => {
  await api('DELETE', `/customers/${customerId}/cart`);
  cart = { items: [], total_cents: 0 };
}));

// ---- ordering -------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

orderButton.addEventListener('click', async () => {
  if (ordering) return;  // a second tap while the first is in flight
  ordering = true;
  renderCart();
  await cartQueue;  // the cart as the customer left it
  if (!checkoutKey) checkoutKey = newRequestKey();
  const key = checkoutKey;
  orderButton.dataset.requestKey = key;
  renderCart();
  say('info', 'Placing your order\u2026');
  try {
    let order;
    for (let attempt = 1; ; attempt++) {
      try {
        order = await api('POST', `/customers/${customerId}/orders`,
          { from_cart: true, request_key: key });
        break;
      } catch (err) {
        // 503 (lock timeout, serialization failure...): the server asks
        // to retry after Retry-After; the same key keeps it one order.
        if (err instanceof ApiError && err.status === 503 && attempt < 3) {
          await sleep(1000);
          continue;
        }
        throw err;
      }
    }
    checkoutKey = null;
    say('ok', `Order #${order.order_no} placed: ${money(order.total_cents)}`);
    $('message').dataset.orderId = order.order_id;
  } catch (err) {
    // A refusal is final for this checkout (nothing was ordered): the next
    // try is a new checkout.  No answer at all keeps the key for a retry.
    if (err instanceof ApiError && err.status < 500) checkoutKey = null;
    say('error', checkoutKey
      ? `${describeError(err)}: tap Retry order (it will not order twice)`
      : describeError(err));
    $('message').dataset.sqlstate = err.sqlstate || '';
  } finally {
    await refreshNow();  // stock, the emptied cart, the new order
    ordering = false;
    renderCart();
  }
});

// ---- my orders -------------------------------------------------------------

const STATUS_TEXT = {
  placed: 'placed, waiting for the kitchen', accepted: 'accepted, cooking',
  ready: 'ready to pick up', completed: 'completed',
  rejected: 'rejected', cancelled: 'cancelled',
};

function orderRow(o) {
  return el('li', { class: 'order', dataset: { testid: `order-${o.order_id}`, orderId: o.order_id } },
    el('div', { class: 'order-head' },
      el('span', { class: 'order-no' }, `#${o.order_no}`),
      el('span', { class: 'status', dataset: { testid: `order-status-${o.order_id}` } })),
    el('div', { class: 'order-lines' }),
    el('div', { class: 'order-foot' },
      el('span', { class: 'order-total' }, money(o.total_cents)),
      el('button', { type: 'button', class: 'link', dataset: { testid: `cancel-${o.order_id}` },
        onclick: () => cancelOrder(o.order_id) }, 'Cancel')));
}

function renderOrders(orders) {
  const list = $('orders');
  const seen = new Set();
  let prev = null;
  for (const o of orders) {
    seen.add(String(o.order_id));
    let row = list.querySelector(`[data-order-id="${o.order_id}"]`);
    if (!row) row = orderRow(o);
    if (prev ? prev.nextSibling !== row : list.firstChild !== row) {
      list.insertBefore(row, prev ? prev.nextSibling : list.firstChild);
    }
    prev = row;
    row.dataset.status = o.status;
    const status = row.querySelector('.status');
    status.textContent = STATUS_TEXT[o.status] || o.status;
    status.className = `status ${o.status}`;
    row.querySelector('.order-lines').textContent =
      o.lines.map((l) => `${l.quantity} \u00d7 ${l.name}`).join(', ');
    row.querySelector('.link').hidden = o.status !== 'placed';
  }
  for (const row of [...list.children]) {
    if (!seen.has(row.dataset.orderId)) row.remove();
  }
  $('orders-empty').hidden = orders.length > 0;
}

async function loadOrders() {
  const r = await api('GET', `/customers/${customerId}/orders`);
  renderOrders(r.orders.filter((o) => o.restaurant_id === restaurantId).slice(0, 10));
  $('orders-incomplete').hidden = !r.incomplete;
}

async function cancelOrder(orderId) {
  try {
    await api('POST', `/orders/${orderId}/cancel`);
    say('ok', 'Order cancelled');
  } catch (err) {
    say('error', describeError(err));
  }
  await refreshNow();
}

// ---- start -----------------------------------------------------------------


if (restaurantId === null || customerId === null) {
  say('error', 'Open this page as customer.html?restaurant=R&customer=C');
  orderButton.disabled = clearButton.disabled = true;
} else {
  $('customer-id').textContent = `customer ${customerId}`;
  renderCart();
  let offline = false;  // the last refresh failed, and says so
  refreshNow = poll(async () => {
    try {
      await Promise.all([loadMenu(), loadCart(), loadOrders()]);
    } catch (err) {
      offline = true;
      say('error', `Cannot load the page: ${describeError(err)}`);
      return;
    }
    if (offline) { offline = false; say('', ''); }
    document.body.dataset.loaded = 'true';
  }, POLL_MS);
}
