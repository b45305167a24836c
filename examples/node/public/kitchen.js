// The kitchen board of ?restaurant=R: the restaurant's newest orders in
// columns by status with the buttons that move them on, and the stock of
// every dish, refreshed about once a second.
'use strict';

const restaurantId = intParam('restaurant');
const POLL_MS = 1000;
const LOW_STOCK = 3;
const DONE_SHOWN = 8;  // finished orders kept in the last column


// What each status offers: [action of POST /orders/ID/<action>, label, class]
const ACTIONS = {
  placed: [['accept', 'Accept', 'primary'], ['reject', 'Reject', 'secondary']],
  accepted: [['ready', 'Ready', 'primary']],
  ready: [['complete', 'Picked up', 'primary']],
};
const COLUMN_OF = { placed: 'placed', accepted: 'accepted', ready: 'ready' };
const busy = new Set();  // order ids with an action in flight

function clock(iso) {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? '' : t.toTimeString().slice(0, 5);
}

function orderCard(o) {
  return el('li', { class: 'korder card', dataset: { testid: `korder-${o.order_id}`, orderId: o.order_id } },
    el('div', { class: 'korder-head' },
      el('span', { class: 'order-no' }, `#${o.order_no}`),
      el('span', { class: 'korder-time' })),
    el('ul', { class: 'korder-lines' }),
    el('div', { class: 'korder-who' }),
    el('div', { class: 'korder-foot' },
      el('span', { class: 'status', dataset: { testid: `korder-status-${o.order_id}` } }),
      el('span', { class: 'actions' })));
}

function fillCard(card, o) {
  card.dataset.status = o.status;
  card.querySelector('.korder-time').textContent = clock(o.created_at);
  const status = card.querySelector('.status');
  status.textContent = o.status;
  status.className = `status ${o.status}`;
  card.querySelector('.korder-lines').replaceChildren(...o.lines.map((l) =>
    el('li', {}, el('strong', {}, `${l.quantity} \u00d7`), ` ${l.name}`)));
  card.querySelector('.korder-who').textContent =
    `customer ${o.customer_id} \u00b7 ${o.address_id ? 'delivery' : 'pick-up'}`;
  const actions = ACTIONS[o.status] || [];
  const key = actions.map((a) => a[0]).join(',') + (busy.has(o.order_id) ? '!' : '');
  const box = card.querySelector('.actions');
  if (box.dataset.key !== key) {  // rebuild buttons only when they change
    box.dataset.key = key;
    box.replaceChildren(...actions.map(([action, label, cls]) =>
      el('button', { type: 'button', class: cls, disabled: busy.has(o.order_id),
        dataset: { testid: `${action}-${o.order_id}` },
        onclick: () => act(o.order_id, action) }, label)));
  }
}

function renderOrders(orders) {
  const groups = { placed: [], accepted: [], ready: [], done: [] };
  for (const o of orders) groups[COLUMN_OF[o.status] || 'done'].push(o);
  // oldest first where the kitchen works; newest first among the finished
  for (const k of ['placed', 'accepted', 'ready']) groups[k].reverse();
  groups.done = groups.done.slice(0, DONE_SHOWN);
  const keep = new Set();
  for (const [column, list] of Object.entries(groups)) {
    const ul = $(`column-${column}`);
    $(`count-${column}`).textContent = list.length;
    let prev = null;
    for (const o of list) {
      keep.add(String(o.order_id));
      let card = document.querySelector(`.korder[data-order-id="${o.order_id}"]`);
      if (!card) card = orderCard(o);
      if (card.parentNode !== ul || (prev ? prev.nextSibling !== card : ul.firstChild !== card)) {
        ul.insertBefore(card, prev ? prev.nextSibling : ul.firstChild);
      }
      prev = card;
      fillCard(card, o);
    }
  }
  for (const card of document.querySelectorAll('.korder')) {
    if (!keep.has(card.dataset.orderId)) card.remove();
  }
}

function renderStock(dishes) {
  const body = $('stock');
  body.replaceChildren(...dishes.map((d) => {
    const soldOut = d.stock <= 0;
    const low = !soldOut && d.stock <= LOW_STOCK;
    return el('tr', {
      class: soldOut ? 'sold-out' : low ? 'low' : '',
      dataset: { testid: `kdish-${d.id}`, stock: d.stock, hot: d.hot, level: soldOut ? 'sold-out' : low ? 'low' : 'ok' },
    },
    el('td', {}, d.name, ' ', d.hot ? el('span', { class: 'badge hot', dataset: { testid: `hot-${d.id}` } }, 'hot') : null),
    el('td', { class: 'num', dataset: { testid: `kstock-${d.id}` } }, soldOut ? 'sold out' : d.stock));
  }));
}

async function refresh() {
  const [menu, orders] = await Promise.all([
    api('GET', `/menu?restaurant=${restaurantId}`),
    api('GET', `/restaurants/${restaurantId}/orders`),
  ]);
  $('restaurant-name').textContent = menu.restaurant.name;
  document.title = `${menu.restaurant.name}: kitchen`;
  renderStock(menu.dishes);
  renderOrders(orders.orders);
  $('updated').textContent = `updated ${new Date().toTimeString().slice(0, 8)}`;
  document.body.dataset.loaded = 'true';
}

let refreshNow = () => {};

async function act(orderId, action) {
  if (busy.has(orderId)) return;
  busy.add(orderId);
  const card = document.querySelector(`.korder[data-order-id="${orderId}"]`);
  if (card) card.querySelectorAll('.actions button').forEach((b) => { b.disabled = true; });
  try {
    const r = await api('POST', `/orders/${orderId}/${action}`);
    say('', '');
    if (card) card.dataset.status = r.status;
  } catch (err) {
    say('error', `order ${orderId}: ${describeError(err)}`);
  } finally {
    busy.delete(orderId);
    await refreshNow();
  }
}

if (restaurantId === null) {
  say('error', 'Open this page as kitchen.html?restaurant=R');
} else {
  let offline = false;  // the last refresh failed, and says so
  refreshNow = poll(async () => {
    try {
      await refresh();
    } catch (err) {
      offline = true;
      say('error', `Cannot load the board: ${describeError(err)}`);
      return;
    }
    if (offline) { offline = false; say('', ''); }
  }, POLL_MS);
}
