/** The NetSuite sync's part of the text summary: a two-column table, then what waits and why. */
import type { NetsuiteSyncSummary } from './summary.ts';

const row = (label: string, oms: string, netsuite: string) =>
  `${label.padEnd(20)}${oms.padEnd(28)}${netsuite}`;

export function renderNetsuiteSync(s: NetsuiteSyncSummary): string[] {
  const { oms, netsuite } = s;
  const lines = [
    row('', 'OMS', 'NetSuite'),
    row(
      'customers',
      `${oms.customersWithNetsuiteId}/${oms.customers} with NetSuite id`,
      `${netsuite.customers}`,
    ),
    row('sales orders', `${oms.approved}/${oms.ordersCreated} approved`, `${netsuite.salesOrders}`),
    row('order lines', `${oms.approvedLines} approved`, `${netsuite.salesOrderLines}`),
    row('customer deposits', `${oms.depositsConfirmed} confirmed`, `${netsuite.deposits}`),
    row(
      'files',
      `${oms.sent.files} written`,
      `${netsuite.filesReceived} read, ${netsuite.idFilesWritten} id files back`,
    ),
    row(
      'sent',
      `${oms.sent.customers} customers, ${oms.sent.salesOrders} orders (${oms.sent.lines} lines), ${oms.sent.deposits} deposits`,
      '',
    ).trimEnd(),
  ];
  if (netsuite.rejected) lines.push(`NetSuite rejected ${netsuite.rejected} row(s) (see its log)`);
  // An update by the customer import is a customer NetSuite already had, matched by externalId;
  // by another import, a record the OMS sent a second time.
  const { 'customer-import': matched = 0, ...again } = netsuite.receivedAgain;
  if (matched) lines.push(`NetSuite matched ${matched} customer(s) it already had`);
  if (Object.keys(again).length) {
    lines.push(
      `NetSuite received records it already had (upserted): ${Object.entries(again)
        .map(([script, n]) => `${n} in ${script}`)
        .join(', ')}`,
    );
  }
  lines.push('', oms.waiting.length ? `waiting (${oms.waiting.length}):` : 'waiting: none');
  for (const w of oms.waiting) {
    lines.push(`  ${w.externalId}  ${w.orderId}  ${w.reasons.join('; ')}`);
    if (w.file) lines.push(`    rows in ${w.file}`);
  }
  const wrong = s.checks.filter((c) => !c.ok);
  lines.push(
    '',
    wrong.length
      ? `MISMATCH: ${wrong.map((c) => `${c.name} OMS ${c.oms} ≠ NetSuite ${c.netsuite}`).join(', ')}`
      : `both sides agree: ${s.checks.map((c) => c.name).join(', ')}`,
  );
  return lines;
}
