/** Fulfillment's part of the text summary: release, the two ways items ship, cancellations, invoices. */
import type { FulfillmentSummary } from './summary.ts';

const SHOWN = 6;

const pct = (share: number) => `${Math.round(share * 100)} %`;
const money = (amount: number) => amount.toFixed(2);
const list = (entries: Readonly<Record<string, number>>) =>
  Object.entries(entries)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

export function renderFulfillment(s: FulfillmentSummary): string[] {
  const { release: r, netsuite: ns, stores: st, cancellations: c, invoices: inv } = s;
  const held = list(r.heldNow);
  const lines = [
    `schedule-release: ${r.runs} runs, ${r.scheduledLines} lines scheduled (${r.scheduledUnits} u), ${r.releasedLines} released (${r.releasedUnits} u)${r.failed ? `, ${r.failed} FAILED` : ''}; held now: ${held || 'none'}`,
    '',
    `NetSuite warehouses (fulfil ${pct(ns.shares.fulfil)} of open lines a cycle, ${pct(ns.shares.partial)} in two parts):`,
    `  NetSuite made ${ns.itemFulfillments} item fulfillments (${ns.itemUnits} u): ${ns.withComma} with a comma in carrier or method, ${ns.multiTracking} with two tracking numbers`,
    `  OMS shipped ${ns.lines} lines (${ns.units} u) in ${ns.shipments} shipments, ${ns.partLines} lines in parts; ${ns.imports.files} files imported, ${ns.imports.stats.repeated ?? 0} rows repeated, ${ns.imports.rejected} refused`,
    `stores: ${st.runs} rounds, ${st.picks} picks, ${st.shipments} shipments of ${st.lines} lines (${st.units} u); OMS-fulfilled rows sent ${st.sent.rows} (one a line, once every unit of it shipped or was cancelled) in ${st.sent.files} files${st.waiting ? `, ${st.waiting} lines waiting` : ''}; NetSuite's item fulfillment script made ${st.netsuiteItemFulfillments} item fulfillments of them${st.netsuiteNotFulfilled.length ? ` and left ${st.netsuiteNotFulfilled.length} (${st.netsuiteNotFulfilled.map((n) => `${n.orderId}/${n.lineSeq}: ${n.reason}`).join('; ')})` : ''}`,
    `  not found (${pct(st.notFoundShare)} of picks): ${st.notFound.length}, re-released elsewhere ${st.notFound.filter((n) => n.reReleased).length}`,
  ];
  for (const n of st.notFound.slice(0, SHOWN)) {
    lines.push(
      `    ${n.externalId} line ${Number(n.lineSeq)} ×${n.quantity} at ${n.facilityId} → ${n.now.join(', ') || '?'}`,
    );
  }
  if (st.notFound.length > SHOWN) {
    lines.push(`    … ${st.notFound.length - SHOWN} more (--json lists them)`);
  }
  const done = c.outcomes.filter((o) => o.outcome === 'cancelled');
  lines.push(
    `cancellations: ${c.requested} customers asked, ${done.length} lines cancelled (${c.units} u)${
      c.outcomes.length > done.length ? `, ${c.outcomes.length - done.length} too late` : ''
    }${c.waiting.length ? `, ${c.waiting.length} not asked yet` : ''}; close rows sent ${c.closesSent.rows}${
      c.closesWaiting ? `, ${c.closesWaiting} waiting` : ''
    }; NetSuite holds ${c.netsuiteClosed} lines closed`,
  );
  for (const o of c.outcomes.slice(0, SHOWN)) {
    lines.push(
      `    ${o.externalId} ${o.when}: ${
        o.outcome === 'cancelled'
          ? `line ${Number(o.lineSeq)} ×${o.quantity} cancelled ${o.netsuiteHadIds ? 'after' : 'before'} NetSuite's ids came back`
          : `too late (${o.note})`
      }`,
    );
  }
  lines.push(
    `invoices: ${inv.orders} orders invoiced, ${inv.invoices} invoices, total ${money(inv.total)}, due ${money(inv.amountDue)} (NetSuite: ${inv.netsuite.invoices} invoices, total ${money(inv.netsuite.total)}); ${inv.imports.files} files imported`,
    `  fully shipped, not invoiced yet: ${inv.shippedNotInvoiced.length}; still open: ${inv.openOrders} orders`,
  );
  const why: Record<string, number> = {};
  for (const n of inv.shippedNotInvoiced) why[n.why] = (why[n.why] ?? 0) + 1;
  for (const [reason, n] of Object.entries(why)) lines.push(`    ${n} × ${reason}`);
  if (inv.open.length && inv.open.length <= SHOWN) {
    for (const o of inv.open) lines.push(`    open ${o.externalId}: ${o.lines.join('; ')}`);
  }
  const b = s.balance;
  lines.push(
    `balance: ${b.lines} lines, ${b.violations.length ? `${b.violations.length} OUT OF BALANCE` : 'every one adds up (buckets, releases, shipments)'}; reservations ${b.reservations.reserved} units = ${b.reservations.rows} rows, ${b.reservations.drift.length ? `DRIFT ${b.reservations.drift.length}` : 'no drift'}`,
  );
  for (const v of b.violations.slice(0, SHOWN)) lines.push(`    ${v}`);
  const { beyondStock, twoNetsuiteLocations } = s.notes;
  if (beyondStock.length) {
    const units = beyondStock.reduce((n, x) => n + x.committed - x.stock, 0);
    lines.push(
      `NOTE: ${beyondStock.length} SKU × facility shipped or hold ${units} u beyond NetSuite's morning figure (a release frees the reservation; NetSuite's figure drops only with its next snapshot): ${beyondStock
        .slice(0, 4)
        .map((x) => `${x.sku}@${x.facilityId} ${x.committed}/${x.stock}`)
        .join(', ')}${beyondStock.length > 4 ? ', …' : ''}`,
    );
  }
  if (twoNetsuiteLocations.length) {
    lines.push(
      `NOTE: ${twoNetsuiteLocations.length} line(s) open at two NetSuite locations (NetSuite holds one a line): ${twoNetsuiteLocations
        .slice(0, 4)
        .map((x) => `${x.externalId} line ${Number(x.lineSeq)} ${x.facilities.join('+')}`)
        .join(', ')}`,
    );
  }
  const wrong = s.checks.filter((x) => !x.ok);
  lines.push(
    '',
    wrong.length
      ? `MISMATCH: ${wrong.map((x) => `${x.name} OMS ${x.oms} ≠ ${x.otherSide} ${x.other}`).join(', ')}`
      : `all agree: ${s.checks.map((x) => x.name).join(', ')}`,
  );
  return lines;
}
