/* global window, crypto, location */
// The merchandiser's page: purchase orders → a PO's lines → each line's Review, Allocate,
// Sync date and Remove, with confirmations. Plain DOM, no build step. It calls the OMS HTTP API
// (same origin locally; `/config.json` names the API on AWS) with the signed-in person's ID token
// (`../common/auth.js`: a local sign-in form, or Cognito's hosted UI with PKCE on AWS).
import { api, session, signInView, signOut, startAuth } from '../common/auth.js';
import { h, say, confirmAction, $, enc, units, day } from '../common/dom.js';

const badge = (text, cls = text) => h('span', { class: `badge ${cls}` }, text);
const num = (v) => h('td', { class: 'num' }, v);

function table(headers, rows, empty) {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map(([t, cls]) => h('th', { class: cls }, t)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

// ── Views ───────────────────────────────────────────────────────────────────────────────────

function signIn(reason) {
  return signInView({
    title: 'Merchandisers sign in to allocate pre-orders to purchase orders.',
    reason,
    done: () => {
      say('');
      render();
    },
  });
}

async function listView() {
  const { purchaseOrders } = await api('GET', '/purchase-orders');
  return h(
    'section',
    {},
    h('h1', {}, 'Purchase orders'),
    table(
      [
        ['PO'],
        ['Status'],
        ['Facility'],
        ['SKUs'],
        ['Lines', 'num'],
        ['Quantity', 'num'],
        ['Allocated', 'num'],
        ['ATP', 'num'],
        ['First arrival'],
      ],
      purchaseOrders.map((p) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/po/${enc(p.poId)}` }, p.poId)),
          h('td', {}, badge(p.status)),
          h('td', {}, p.facilityId),
          h('td', {}, p.skus.join(', ')),
          num(p.lines),
          num(p.quantity),
          num(p.allocated),
          num(p.atp),
          h('td', {}, p.earliestArrival),
        ),
      ),
      'No purchase orders yet: they arrive with NetSuite’s open purchase orders file.',
    ),
  );
}

async function poView(poId, lineId, action) {
  const po = await api('GET', `/purchase-orders/${enc(poId)}`);
  const lineRows = po.lines.map((l) => {
    const go = (a) => () => (location.hash = `#/po/${enc(poId)}/${enc(l.lineId)}/${a}`);
    return h(
      'tr',
      { class: l.lineId === lineId ? 'selected' : undefined, 'data-line': l.lineId },
      h('td', {}, l.lineId),
      h('td', {}, l.sku),
      num(l.quantity),
      h('td', {}, l.arrivalDate),
      num(l.allocated),
      num(Math.max(0, l.atp)),
      num(l.orders),
      h('td', {}, l.outOfSync ? badge(`${l.outOfSync} to sync`, 'late') : badge(l.status)),
      h(
        'td',
        {},
        h(
          'div',
          { class: 'row-actions' },
          h('button', { type: 'button', onclick: go('review') }, 'Review'),
          h(
            'button',
            { type: 'button', onclick: go('allocate'), disabled: l.status !== 'open' },
            'Allocate',
          ),
          h('button', { type: 'button', onclick: go('sync'), disabled: !l.orders }, 'Sync date'),
          h('button', { type: 'button', onclick: go('remove'), disabled: !l.orders }, 'Remove'),
        ),
      ),
    );
  });
  const line = po.lines.find((l) => l.lineId === lineId);
  return h(
    'section',
    {},
    h('p', {}, h('a', { href: '#/' }, '← All purchase orders')),
    h('h1', {}, `Purchase order ${po.poId} `, badge(po.status)),
    h(
      'p',
      { class: 'facts' },
      h('span', {}, 'Facility ', h('b', {}, po.facilityId)),
      h('span', {}, 'Last listed by NetSuite ', h('b', {}, day(po.lastSeenAt))),
      h('span', {}, 'File ', h('b', {}, po.lastFile)),
    ),
    h(
      'div',
      { class: 'card' },
      table(
        [
          ['Line'],
          ['SKU'],
          ['Quantity', 'num'],
          ['Arrival'],
          ['Allocated', 'num'],
          ['ATP', 'num'],
          ['Orders', 'num'],
          ['State'],
          ['Actions'],
        ],
        lineRows,
        'This purchase order has no lines.',
      ),
    ),
    line ? await actionPanel(po, line, action) : null,
  );
}

async function actionPanel(po, line, action) {
  const base = `/purchase-orders/${enc(po.poId)}/lines/${enc(line.lineId)}`;
  const title = `Line ${line.lineId} · ${line.sku} · arrives ${line.arrivalDate}`;
  const reload = () => render();

  if (action === 'review' || action === 'sync' || action === 'remove') {
    const r = await api('GET', `${base}/allocations`);
    const picks = new Set();
    const rows = r.allocations.map((a) =>
      h(
        'tr',
        { 'data-order': a.orderId },
        action === 'remove'
          ? h(
              'td',
              {},
              h('input', {
                type: 'checkbox',
                'aria-label': `Remove ${a.orderName || a.orderId}`,
                onchange: (e) => {
                  if (e.target.checked) picks.add(a);
                  else picks.delete(a);
                  removeButton.disabled = picks.size === 0;
                },
              }),
            )
          : null,
        h('td', {}, a.orderName || a.orderId, h('div', { class: 'muted' }, a.orderId)),
        h('td', {}, a.customer),
        h('td', {}, day(a.orderDate)),
        num(a.quantity),
        h('td', {}, a.promisedDate, ' ', a.inSync ? null : badge('not in sync', 'late')),
      ),
    );
    const heads = [['Order'], ['Customer'], ['Ordered'], ['Quantity', 'num'], ['Promised']];
    const removeButton = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        disabled: true,
        onclick: async () => {
          const chosen = [...picks];
          const total = chosen.reduce((n, a) => n + a.quantity, 0);
          const ok = await confirmAction(
            'Remove allocations',
            `Release ${units(total)} of ${chosen.length} order line(s) from PO ${po.poId} line ${line.lineId}? They go back to the unallocated queue and the PO line's ATP grows by ${total}.`,
            'Remove',
          );
          if (!ok) return;
          const out = await act(() =>
            api('POST', `${base}/removals`, {
              idempotencyKey: crypto.randomUUID(),
              orders: chosen.map((a) => ({ orderId: a.orderId, lineSeq: a.lineSeq })),
            }),
          );
          if (out) {
            const removed = out.results.filter((x) => x.outcome !== 'refused').length;
            say(
              `Removed ${removed} allocation(s) from PO ${po.poId} line ${line.lineId}; ATP is now ${Math.max(0, out.poLine.atp)}.`,
            );
            reload();
          }
        },
      },
      'Remove selected',
    );
    const syncButton = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        onclick: async () => {
          const stale = r.allocations.filter((a) => !a.inSync).length;
          const ok = await confirmAction(
            'Sync date with sales orders',
            `Set the promised date of the ${r.allocations.length} allocated order line(s) to ${line.arrivalDate} (${stale} differ now)?`,
            'Sync dates',
          );
          if (!ok) return;
          const out = await act(() => api('POST', `${base}/sync-dates`, {}));
          if (out) {
            say(`Promised date ${out.arrivalDate}: ${out.changed} order line(s) changed.`);
            reload();
          }
        },
      },
      'Sync dates…',
    );
    return h(
      'section',
      { class: 'card', 'data-panel': action },
      h(
        'h2',
        {},
        action === 'review'
          ? 'Review allocations'
          : action === 'sync'
            ? 'Sync date'
            : 'Remove allocations',
        ' — ',
        title,
      ),
      h(
        'p',
        { class: 'facts' },
        h('span', {}, 'Total ordered ', h('b', { 'data-total': '' }, r.totalOrdered)),
        h('span', {}, 'ATP consumed ', h('b', {}, r.atpConsumed)),
        h('span', {}, 'ATP left ', h('b', {}, Math.max(0, r.atp))),
      ),
      table(
        action === 'remove' ? [[''], ...heads] : heads,
        rows,
        'No sales orders are allocated to this line.',
      ),
      action === 'remove' ? h('div', { class: 'actions' }, removeButton) : null,
      action === 'sync' ? h('div', { class: 'actions' }, syncButton) : null,
    );
  }

  if (action === 'allocate') {
    const r = await api('GET', `${base}/candidates`);
    const atp = Math.max(0, line.atp);
    const picks = new Set();
    const summary = h('span', { class: 'muted' }, `Nothing selected · ATP ${atp}`);
    const allocate = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        disabled: true,
        onclick: async () => {
          const chosen = [...picks];
          const total = chosen.reduce((n, c) => n + c.unallocated, 0);
          const ok = await confirmAction(
            'Allocate sales orders',
            `Allocate ${units(total)} of ${chosen.length} order line(s) to PO ${po.poId} line ${line.lineId}, promised for ${line.arrivalDate}?`,
            'Allocate',
          );
          if (!ok) return;
          const out = await act(() =>
            api('POST', `${base}/allocations`, {
              idempotencyKey: crypto.randomUUID(),
              orders: chosen.map((c) => ({ orderId: c.orderId, lineSeq: c.lineSeq })),
            }),
          );
          if (out) {
            say(
              `Allocated ${units(out.results.reduce((n, x) => n + x.quantity, 0))} to PO ${po.poId} line ${line.lineId}; ATP is now ${Math.max(0, out.poLine.atp)}.`,
            );
            reload();
          }
        },
      },
      'Allocate selected',
    );
    const update = () => {
      const total = [...picks].reduce((n, c) => n + c.unallocated, 0);
      summary.textContent = picks.size
        ? `${units(total)} selected · ATP ${atp}${total > atp ? ' · more than the line has' : ''}`
        : `Nothing selected · ATP ${atp}`;
      allocate.disabled = picks.size === 0;
    };
    const rows = r.candidates.map((c) =>
      h(
        'tr',
        { 'data-order': c.orderId },
        h(
          'td',
          {},
          h('input', {
            type: 'checkbox',
            'aria-label': `Allocate ${c.orderName || c.orderId}`,
            disabled: c.holds.length > 0,
            onchange: (e) => {
              if (e.target.checked) picks.add(c);
              else picks.delete(c);
              update();
            },
          }),
        ),
        h('td', {}, c.orderName || c.orderId, h('div', { class: 'muted' }, c.orderId)),
        h('td', {}, c.customer),
        h('td', {}, day(c.orderDate)),
        num(c.unallocated),
        h('td', {}, c.holds.length ? badge(`on hold: ${c.holds.join(', ')}`, 'held') : ''),
      ),
    );
    return h(
      'section',
      { class: 'card', 'data-panel': 'allocate' },
      h('h2', {}, 'Allocate sales orders — ', title),
      h('p', { class: 'muted' }, `Unallocated pre-order lines of ${line.sku}, oldest order first.`),
      table(
        [[''], ['Order'], ['Customer'], ['Ordered'], ['Unallocated', 'num'], ['']],
        rows,
        `No pre-order lines of ${line.sku} are waiting.`,
      ),
      h('div', { class: 'actions' }, summary, allocate),
    );
  }
  return null;
}

/** Runs a change; shows the API's reason when it is refused. */
async function act(call) {
  try {
    return await call();
  } catch (err) {
    if (err.status !== 401) say(err.code ? `${err.message} (${err.code})` : err.message, 'error');
    return undefined;
  }
}

// ── Routing ─────────────────────────────────────────────────────────────────────────────────

let rendering = 0;

async function render() {
  const mine = ++rendering;
  const main = $('#main');
  const s = session();
  $('#sign-out').hidden = !s;
  $('#who').textContent = s ? s.username : '';
  if (!s) {
    main.replaceChildren(signIn());
    return;
  }
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  try {
    const view =
      parts[0] === 'po' && parts[1] ? await poView(parts[1], parts[2], parts[3]) : await listView();
    if (mine === rendering) main.replaceChildren(view);
  } catch (err) {
    if (mine !== rendering || err.status === 401) return;
    say(err.code ? `${err.message} (${err.code})` : err.message, 'error');
    main.replaceChildren(h('p', { class: 'empty' }, 'Could not load this page.'));
  }
}

window.addEventListener('hashchange', () => {
  say('');
  render();
});
$('#sign-out').addEventListener('click', () => {
  signOut();
  say('');
  render();
});

/** The session ended (a 401): sign in again; the address, so the page's place, is kept. */
function signInAgain(reason) {
  $('#sign-out').hidden = true;
  $('#main').replaceChildren(signIn(reason));
}

try {
  await startAuth({ signInNeeded: signInAgain });
} catch (err) {
  say(err.message, 'error');
}
render();
