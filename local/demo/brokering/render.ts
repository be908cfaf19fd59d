/** Brokering's part of the text summary: a table per facility, then the loop and the checks. */
import type { BrokeringSummary } from './summary.ts';

const SHOWN_REJECTIONS = 8;

const OUTCOME: Readonly<Record<string, string>> = {
  backordered: 'backordered',
  waiting: 'rejected, not placed again yet',
  shipped: 'shipped',
  cancelled: 'cancelled',
};

const lu = (lines: number, units: number) => `${lines} (${units} u)`;

const row = (cells: readonly string[]) =>
  cells
    .map((c, i) => c.padEnd([12, 11, 10, 8, 15, 15, 0][i] ?? 0))
    .join('')
    .trimEnd();

export function renderBrokering(s: BrokeringSummary): string[] {
  const { runs, netsuite } = s;
  const stock = s.facilities.map((f) => `${f.facilityId} ${f.stock}`).join(', ');
  const lines = [
    `NetSuite figures: ${s.inventory.file} imported, ${s.inventory.rows} rows (units: ${stock})`,
    `${runs.runs} brokering runs (product store ${s.productStore}): ${runs.allocatedLines} placements, ${runs.allocatedUnits} units${runs.raced ? `, ${runs.raced} raced` : ''}${runs.failed ? `, ${runs.failed} FAILED` : ''}`,
    '',
    row(['facility', 'kind', 'location', 'stock', 'lines brokered', 'open now', 'rejected']),
    ...s.facilities.map((f) =>
      row([
        f.facilityId,
        `${f.kind}${f.netsuiteFulfilled ? '' : '*'}`,
        f.location,
        String(f.stock),
        lu(f.brokeredLines, f.brokeredUnits),
        lu(f.heldLines, f.heldUnits),
        f.netsuiteFulfilled ? String(f.rejectedLines) : '',
      ]),
    ),
    '* fulfilled by the OMS: in the store queue, not sent to NetSuite',
    '',
    `allocations sent to NetSuite: ${s.allocations.sent.rows} rows in ${s.allocations.sent.files} files${s.allocations.waiting ? `; ${s.allocations.waiting} waiting for the next export` : ''}`,
    `NetSuite holds: ${
      Object.entries(netsuite.allocatedLines)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([location, n]) => `${n} lines at location ${location}`)
        .join(', ') || 'no allocated lines'
    }, ${netsuite.rejectedLines} in Rejected Orders`,
    `${netsuite.rejecting.facilityId} rejects ${Math.round(netsuite.rejecting.share * 100)} % of what it is sent: ${netsuite.lineRejections} rejections; OMS received ${s.rejections.received}, now ${
      Object.entries(s.rejections.outcomes)
        .map(([where, n]) => `${n} ${OUTCOME[where] ?? `at ${where}`}`)
        .join(', ') || 'none'
    }`,
  ];
  for (const r of s.rejections.items.slice(0, SHOWN_REJECTIONS)) {
    lines.push(
      `  ${r.externalId} line ${Number(r.lineSeq)} ${r.sku} ×${r.quantity}: ${r.reason || '(no reason)'} → ${r.now.join(', ') || '?'}`,
    );
  }
  if (s.rejections.items.length > SHOWN_REJECTIONS) {
    lines.push(`  … ${s.rejections.items.length - SHOWN_REJECTIONS} more (--json lists them)`);
  }
  lines.push(
    `store queues: ${s.storeQueues.map((q) => `${q.facilityId} ${q.items} items (${q.units} u)`).join(', ')}`,
    `backordered: ${s.backordered.lines} lines (${s.backordered.units} u) in ${s.backordered.orders} orders, waiting for stock; ${s.inBrokeringQueue} orders in the brokering queue`,
    `reservations: reconcile-reservations checked ${s.reservations.checked} positions, ${
      s.reservations.drift.length ? `REPAIRED ${s.reservations.drift.length}` : 'no drift'
    }; ${s.reservations.reserved} units reserved, ${s.reservations.oversold} positions oversold`,
  );
  const wrong = s.checks.filter((c) => !c.ok);
  lines.push(
    '',
    wrong.length
      ? `MISMATCH: ${wrong.map((c) => `${c.name} OMS ${c.oms} ≠ ${c.otherSide} ${c.other}`).join(', ')}`
      : `all agree: ${s.checks.map((c) => c.name).join(', ')}`,
  );
  return lines;
}
