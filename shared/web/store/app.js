/* global document, window, crypto, location, history */
// The store fulfilment page: a store associate signs in and works their store's queue — orders
// oldest first, a pick list across orders, pick, pack (parcels), ship (carrier, tracking), item
// not found, reject with a reason (inventory reasons confirmed as such). Plain DOM, no build step.
// The place in the page is its address (`#/s/<store>/<view>[/<order>/<line>/<action>]`), so a
// reload or a new sign-in comes back to it. The queue refreshes itself every 30 seconds.
import { api, session, signInView, signOut, startAuth } from '../common/auth.js';
import { h, say, confirmAction, refusal, $, enc, units, day } from '../common/dom.js';

const REFRESH_MS = 30_000;

/** Reasons a store rejects an item with; `adjusts`: the units also leave the store's stock. */
const REJECT_REASONS = [
  { code: 'NOT_IN_STOCK', label: 'Not in stock', adjusts: false },
  { code: 'VAR_DAMAGED', label: 'Damaged', adjusts: true },
  { code: 'VAR_STOLEN', label: 'Stolen or missing', adjusts: true },
  { code: 'NO_CAPACITY', label: 'Store cannot fulfil it in time', adjusts: false },
];

const CARRIERS = ['UPS', 'FedEx', 'USPS', 'DHL'];

const key = (what) => `${what}-${crypto.randomUUID()}`;

// ── The place in the page ───────────────────────────────────────────────────────────────────

function place() {
  const [s, store, view, orderId, lineSeq, action] = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => decodeURIComponent(p));
  if (s !== 's' || !store) return { store: undefined };
  return { store, view: view === 'pick-list' ? 'pick-list' : 'queue', orderId, lineSeq, action };
}

const href = (store, view = 'queue', ...rest) => `#/s/${[store, view, ...rest].map(enc).join('/')}`;

// ── Views ───────────────────────────────────────────────────────────────────────────────────

function chooseStore() {
  const s = session();
  const section = h('section', { class: 'card narrow' }, h('h1', { tabindex: -1 }, 'Which store?'));
  if (s?.stores?.length) {
    section.append(
      h(
        'ul',
        {},
        s.stores.map((id) => h('li', {}, h('a', { href: href(id) }, `Store ${id}`))),
      ),
    );
    return section;
  }
  const form = h(
    'form',
    {},
    h('label', { for: 'store-id' }, 'Store (facility id)'),
    h('input', { id: 'store-id', name: 'store', required: true, autocomplete: 'off' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Open queue')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = href(form.store.value.trim());
  });
  section.append(form);
  return section;
}

/** Queue entries grouped by order, oldest order first. */
function byOrder(items) {
  const orders = new Map();
  for (const i of items) {
    const o = orders.get(i.orderId) ?? {
      orderId: i.orderId,
      name: i.orderName,
      date: i.orderDate ?? i.allocatedAt,
      lines: [],
    };
    if ((i.orderDate ?? i.allocatedAt) < o.date) o.date = i.orderDate ?? i.allocatedAt;
    o.lines.push(i);
    orders.set(i.orderId, o);
  }
  return [...orders.values()]
    .map((o) => ({ ...o, lines: o.lines.sort((a, b) => a.lineSeq.localeCompare(b.lineSeq)) }))
    .sort(
      (a, b) => String(a.date).localeCompare(String(b.date)) || a.orderId.localeCompare(b.orderId),
    );
}

function toolbar(p, updated) {
  const tab = (view, label) =>
    h(
      'a',
      { href: href(p.store, view), 'aria-current': p.view === view ? 'page' : undefined },
      label,
    );
  const refresh = h('button', { type: 'button', onclick: () => render() }, 'Refresh');
  return h(
    'div',
    { class: 'toolbar' },
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Views' },
      tab('queue', 'Orders'),
      tab('pick-list', 'Pick list'),
    ),
    h('span', { class: 'hint', id: 'updated' }, `Updated ${updated}; refreshes every 30 s`),
    refresh,
  );
}

function stageBadges(item) {
  const waiting = item.allocated + item.scheduled;
  return [
    waiting
      ? h(
          'span',
          { class: 'badge waiting' },
          `${units(waiting)} waiting for release${item.shipDate ? ` (ship ${item.shipDate})` : ''}`,
        )
      : null,
    ...item.released.map((r) =>
      h('span', { class: 'badge to-pick' }, `${units(r.quantity)} to pick`),
    ),
    ...item.picking.map((k) =>
      h(
        'span',
        { class: `badge ${k.packedAt ? 'packed' : 'picking'}` },
        `${units(k.quantity)} ${k.packedAt ? 'packed' : 'picked'}`,
      ),
    ),
  ];
}

function lineView(p, order, item) {
  const open = p.orderId === item.orderId && p.lineSeq === item.lineSeq ? p.action : undefined;
  const go = (action) => () =>
    (location.hash = href(p.store, 'queue', item.orderId, item.lineSeq, action));
  const actions = h('div', { class: 'actions' });
  const label = (verb) =>
    `${verb} ${item.sku}, line ${item.lineSeq} of ${order.name ?? order.orderId}`;
  for (const r of item.released) {
    actions.append(
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          'aria-label': label('Pick'),
          onclick: (e) => pick(p, item, r, e.target),
        },
        `Pick ${units(r.quantity)}`,
      ),
    );
  }
  const picking = item.picking;
  if (picking.some((k) => !k.packedAt))
    actions.append(
      h('button', { type: 'button', 'aria-label': label('Pack'), onclick: go('pack') }, 'Pack…'),
    );
  if (picking.length)
    actions.append(
      h(
        'button',
        { type: 'button', class: 'primary', 'aria-label': label('Ship'), onclick: go('ship') },
        'Ship…',
      ),
    );
  if (item.released.length || picking.length)
    actions.append(
      h(
        'button',
        { type: 'button', 'aria-label': label('Not found'), onclick: go('not-found') },
        'Not found…',
      ),
    );
  if (item.allocated + item.scheduled + item.released.reduce((n, r) => n + r.quantity, 0) > 0)
    actions.append(
      h(
        'button',
        { type: 'button', class: 'danger', 'aria-label': label('Reject'), onclick: go('reject') },
        'Reject…',
      ),
    );
  return h(
    'div',
    { class: 'line', 'data-line': `${item.orderId}/${item.lineSeq}` },
    h(
      'div',
      { class: 'line-facts' },
      h('span', { class: 'sku' }, item.sku),
      h('span', {}, `line ${item.lineSeq}`),
      h('span', {}, units(item.quantity)),
      item.shippingMethod ? h('span', { class: 'muted' }, item.shippingMethod) : null,
      ...stageBadges(item),
    ),
    actions,
    open ? actionForm(p, item, open) : null,
  );
}

function queueView(p, items, updated) {
  const orders = byOrder(items);
  const section = h(
    'section',
    { 'aria-labelledby': 'queue-title' },
    h(
      'h1',
      { id: 'queue-title', tabindex: -1 },
      `Store ${p.store}: ${orders.length} order${orders.length === 1 ? '' : 's'} to fulfil`,
    ),
    toolbar(p, updated),
  );
  if (!orders.length)
    section.append(h('p', { class: 'empty' }, 'Nothing to fulfil at this store.'));
  for (const o of orders) {
    section.append(
      h(
        'article',
        { class: 'card', 'data-order': o.orderId, 'aria-label': `Order ${o.name ?? o.orderId}` },
        h(
          'div',
          { class: 'order-head' },
          h('h2', {}, `Order ${o.name ?? o.orderId}`),
          h('span', { class: 'muted' }, `${day(o.date)} · ${o.orderId}`),
        ),
        o.lines.map((item) => lineView(p, o, item)),
      ),
    );
  }
  return section;
}

function pickListView(p, items, updated) {
  const rows = [];
  const bySku = new Map();
  for (const i of items)
    for (const r of i.released) {
      const list = bySku.get(i.sku) ?? [];
      list.push({ item: i, release: r });
      bySku.set(i.sku, list);
    }
  const skus = [...bySku.keys()].sort();
  for (const sku of skus) {
    const list = bySku
      .get(sku)
      .sort((a, b) =>
        String(a.item.orderDate ?? a.item.allocatedAt).localeCompare(
          String(b.item.orderDate ?? b.item.allocatedAt),
        ),
      );
    const total = list.reduce((n, x) => n + x.release.quantity, 0);
    list.forEach(({ item, release }, idx) =>
      rows.push(
        h(
          'tr',
          { 'data-pick': `${item.orderId}/${item.lineSeq}` },
          h('td', {}, idx === 0 ? h('b', {}, sku) : ''),
          h('td', { class: 'num' }, idx === 0 ? `${total}` : ''),
          h('td', {}, `${item.orderName ?? item.orderId} · line ${item.lineSeq}`),
          h('td', { class: 'num' }, release.quantity),
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'primary',
                'aria-label': `Picked ${release.quantity} of ${sku} for ${item.orderName ?? item.orderId}`,
                onclick: (e) => pick(p, item, release, e.target),
              },
              'Picked',
            ),
          ),
        ),
      ),
    );
  }
  const section = h(
    'section',
    { 'aria-labelledby': 'pick-title' },
    h('h1', { id: 'pick-title', tabindex: -1 }, `Store ${p.store}: pick list`),
    toolbar(p, updated),
  );
  section.append(
    rows.length
      ? h(
          'table',
          { class: 'pick-list' },
          h(
            'caption',
            { class: 'hint' },
            'Released items across orders, by SKU; oldest order first.',
          ),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'SKU'),
              h('th', { class: 'num' }, 'Total'),
              h('th', {}, 'Order'),
              h('th', { class: 'num' }, 'Units'),
              h('th', {}, ''),
            ),
          ),
          h('tbody', {}, rows),
        )
      : h('p', { class: 'empty' }, 'Nothing to pick: no released items at this store.'),
  );
  return section;
}

// ── Actions ─────────────────────────────────────────────────────────────────────────────────

const post = (p, what, body) => api('POST', `/stores/${enc(p.store)}/${what}`, body);

async function run(button, call, done) {
  if (button) button.disabled = true;
  try {
    const result = await call();
    say(done(result));
    return result;
  } catch (err) {
    if (err.status !== 401) say(refusal(err), 'error');
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

async function pick(p, item, release, button) {
  const ok = await run(
    button,
    () =>
      post(p, 'picks', {
        orderId: item.orderId,
        lineSeq: item.lineSeq,
        releaseKey: release.releaseKey,
        idempotencyKey: key('pick'),
      }),
    (r) =>
      `Picked ${units(r.quantity)} of ${item.sku} for order ${item.orderName ?? item.orderId}.`,
  );
  if (ok) await render();
}

/** Back to the queue: after a change, its message stays and the queue is read again. */
function closeForm(p, { done = false } = {}) {
  if (!done) {
    location.hash = href(p.store, 'queue');
    return;
  }
  history.replaceState(null, '', href(p.store, 'queue'));
  void render({ quiet: true });
}

function actionForm(p, item, action) {
  const idempotencyKey = key(action);
  const picking = item.picking;
  const shipmentChoice = () =>
    picking.length > 1
      ? [
          h('label', { for: 'shipment' }, 'Shipment'),
          h(
            'select',
            { id: 'shipment', name: 'shipment' },
            picking.map((k) =>
              h('option', { value: k.shipmentKey }, `${k.shipmentKey} (${units(k.quantity)})`),
            ),
          ),
        ]
      : [];
  const shipmentOf = (form) => form.shipment?.value ?? picking[0]?.shipmentKey;
  const buttons = (label, cls = 'primary') =>
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: cls }, label),
      h('button', { type: 'button', onclick: () => closeForm(p) }, 'Cancel'),
    );
  let form;
  let submit;
  const title = { pack: 'Pack', ship: 'Ship', 'not-found': 'Item not found', reject: 'Reject' }[
    action
  ];
  if (action === 'pack') {
    form = h(
      'form',
      { class: 'panel', 'aria-label': `${title} ${item.sku}` },
      ...shipmentChoice(),
      h('label', { for: 'parcels' }, 'Parcels'),
      h('input', {
        id: 'parcels',
        name: 'parcels',
        type: 'number',
        min: 1,
        max: 999,
        value: 1,
        required: true,
        inputmode: 'numeric',
      }),
      buttons('Packed'),
    );
    submit = (button) =>
      run(
        button,
        () =>
          post(p, 'packs', {
            orderId: item.orderId,
            lineSeq: item.lineSeq,
            shipmentKey: shipmentOf(form),
            packages: Number(form.parcels.value),
            idempotencyKey,
          }),
        () => `Packed ${item.sku} in ${form.parcels.value} parcel(s).`,
      );
  } else if (action === 'ship') {
    form = h(
      'form',
      { class: 'panel', 'aria-label': `${title} ${item.sku}` },
      ...shipmentChoice(),
      h('label', { for: 'carrier' }, 'Carrier'),
      h('input', {
        id: 'carrier',
        name: 'carrier',
        list: 'carriers',
        required: true,
        autocomplete: 'off',
      }),
      h(
        'datalist',
        { id: 'carriers' },
        CARRIERS.map((c) => h('option', { value: c })),
      ),
      h('label', { for: 'tracking' }, 'Tracking numbers (comma-separated)'),
      h('input', { id: 'tracking', name: 'tracking', required: true, autocomplete: 'off' }),
      buttons('Shipped'),
    );
    submit = (button) =>
      run(
        button,
        () =>
          post(p, 'shipments', {
            orderId: item.orderId,
            lineSeq: item.lineSeq,
            shipmentKey: shipmentOf(form),
            carrier: form.carrier.value.trim(),
            trackingNumbers: form.tracking.value.split(/[\s,]+/).filter(Boolean),
            idempotencyKey,
          }),
        (r) => `Shipped ${units(r.quantity)} of ${item.sku} with ${form.carrier.value.trim()}.`,
      );
  } else if (action === 'not-found') {
    const most =
      picking.reduce((n, k) => n + k.quantity, 0) ||
      item.released.reduce((n, r) => n + r.quantity, 0);
    form = h(
      'form',
      { class: 'panel', 'aria-label': `${title}: ${item.sku}` },
      h('label', { for: 'nf-qty' }, 'Units not found'),
      h('input', {
        id: 'nf-qty',
        name: 'qty',
        type: 'number',
        min: 1,
        max: most,
        value: most,
        required: true,
        inputmode: 'numeric',
      }),
      buttons('Report not found', 'danger'),
    );
    submit = async (button) => {
      const qty = Number(form.qty.value);
      const ok = await confirmAction(
        'Item not found',
        `Report ${units(qty)} of ${item.sku} (order ${item.orderName ?? item.orderId}) as not found? The item goes back to brokering and another location fulfils it.`,
        'Report not found',
      );
      if (!ok) return undefined;
      return run(
        button,
        () =>
          post(p, 'not-found', {
            orderId: item.orderId,
            lineSeq: item.lineSeq,
            quantity: qty,
            idempotencyKey,
          }),
        () => `${units(qty)} of ${item.sku} reported not found; the item is brokered again.`,
      );
    };
  } else if (action === 'reject') {
    form = h(
      'form',
      { class: 'panel', 'aria-label': `${title} ${item.sku}` },
      h('label', { for: 'reason' }, 'Reason'),
      h(
        'select',
        { id: 'reason', name: 'reason', required: true },
        REJECT_REASONS.map((r) => h('option', { value: r.code }, `${r.label} (${r.code})`)),
      ),
      h('label', { for: 'comments' }, 'Comments (optional)'),
      h('input', { id: 'comments', name: 'comments', maxlength: 500, autocomplete: 'off' }),
      buttons('Reject item', 'danger'),
    );
    submit = async (button) => {
      const reason = REJECT_REASONS.find((r) => r.code === form.reason.value);
      const qty =
        item.allocated + item.scheduled + item.released.reduce((n, r) => n + r.quantity, 0);
      const ok = await confirmAction(
        `Reject ${item.sku}`,
        reason.adjusts
          ? `Reject ${units(qty)} of ${item.sku} as ${reason.label.toLowerCase()} (${reason.code})? This also takes ${units(qty)} off store ${p.store}'s inventory: an inventory adjustment goes to NetSuite. The item is brokered again.`
          : `Reject ${units(qty)} of ${item.sku} (${reason.code})? The item is brokered again; the store's inventory is not changed.`,
        'Reject item',
      );
      if (!ok) return undefined;
      return run(
        button,
        () =>
          post(p, 'rejections', {
            orderId: item.orderId,
            lineSeq: item.lineSeq,
            reason: reason.code,
            comments: form.comments.value.trim() || undefined,
            idempotencyKey,
          }),
        (r) =>
          `Rejected ${units(r.quantity)} of ${item.sku} (${r.reason})${r.adjustment ? `; inventory adjusted by ${r.adjustment.delta}` : ''}; the item is brokered again.`,
      );
    };
  } else {
    return null;
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const done = await submit(form.querySelector('button[type=submit]'));
    if (done) closeForm(p, { done: true });
  });
  window.setTimeout(() => form.querySelector('input, select')?.focus(), 0);
  return h('div', { role: 'group', 'aria-label': title }, form);
}

// ── Rendering ───────────────────────────────────────────────────────────────────────────────

let rendering = 0;

function showSignIn(reason) {
  $('#sign-out').hidden = true;
  $('#who').textContent = '';
  $('#main').replaceChildren(
    signInView({
      title: 'Store associates sign in to see their store’s queue.',
      reason,
      done: () => {
        say('');
        render();
      },
    }),
  );
}

async function render({ quiet = false } = {}) {
  const mine = ++rendering;
  const main = $('#main');
  const s = session();
  if (!s) return showSignIn();
  $('#sign-out').hidden = false;
  $('#who').textContent = `${s.username}${s.stores?.length ? ` · ${s.stores.join(', ')}` : ''}`;
  const p = place();
  if (!p.store) {
    if (s.stores?.length === 1) {
      location.replace(href(s.stores[0]));
      return;
    }
    main.replaceChildren(chooseStore());
    return;
  }
  try {
    const { items } = await api('GET', `/stores/${enc(p.store)}/queue`);
    if (mine !== rendering) return;
    const updated = new Date().toLocaleTimeString();
    const view =
      p.view === 'pick-list' ? pickListView(p, items, updated) : queueView(p, items, updated);
    main.replaceChildren(view);
    if (!quiet && !p.action) view.querySelector('h1')?.focus();
  } catch (err) {
    if (mine !== rendering || err.status === 401) return;
    say(refusal(err), 'error');
    main.replaceChildren(
      h('p', { class: 'empty' }, `Could not load the queue of store ${p.store}.`),
    );
  }
}

/** Refreshes the queue unless the associate is filling a form or answering a dialog. */
function autoRefresh() {
  if (document.hidden || $('#confirm').open || !session()) return;
  if (place().action) return;
  void render({ quiet: true });
}

window.addEventListener('hashchange', () => {
  say('');
  render();
});
document.addEventListener('visibilitychange', autoRefresh);
window.setInterval(autoRefresh, REFRESH_MS);
$('#sign-out').addEventListener('click', () => {
  signOut();
  say('');
  showSignIn();
});

try {
  await startAuth({ signInNeeded: showSignIn });
} catch (err) {
  say(err.message, 'error');
}
render();
