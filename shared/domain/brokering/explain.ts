/**
 * `formatExplanation`: a brokering decision as text for people (`oms broker explain <order>`).
 * The decision itself is the machine-readable form (`--json`).
 */
import type { BrokeringDecision, FacilityExplanation, RuleExplanation } from './decision.ts';

const qty = (items: readonly { lineSeq: string; quantity: number }[]) =>
  items.map((i) => `${i.lineSeq}×${i.quantity}`).join(', ') || '(nothing)';

function facilityLine(f: FacilityExplanation): string {
  const where = f.distanceKm !== undefined ? ` ${f.distanceKm} km` : '';
  const stock = f.stock
    .map((s) => `${s.lineSeq} ${s.rejectedBefore ? 'rejected' : `ATP ${s.atp} usable ${s.usable}`}`)
    .join('; ');
  const why = f.outcome === 'dropped' ? ` — ${f.reasons.map((r) => r.message).join('; ')}` : '';
  const mark = f.outcome === 'allocated' ? '✓' : f.outcome === 'unused' ? '·' : '✗';
  return `        ${mark} ${f.facilityId}${where} [${stock}] ${f.outcome}${why}`;
}

function ruleLines(r: RuleExplanation): string[] {
  if (r.status === 'inactive') return [`    rule "${r.rule}": inactive`];
  const out = [
    `    rule "${r.rule}" (${r.partialAllocation ? 'partial allocation' : 'whole order'}), placing ${qty(r.pending)}`,
    `      sorted by ${r.sortedBy.join(', ') || 'facility id'}: ${r.sortOrder.join(' > ') || '(no facility kept)'}`,
    ...r.facilities.map(facilityLine),
  ];
  for (const p of r.placed) out.push(`      placed ${p.lineSeq}×${p.quantity} at ${p.facilityId}`);
  if (r.left.length > 0) out.push(`      left ${qty(r.left)} → ${r.action}`);
  return out;
}

export function formatExplanation(d: BrokeringDecision): string {
  const out = [
    `Order ${d.orderId} — product store ${d.productStoreId}, brokered at ${d.decidedAt}`,
  ];
  for (const r of d.explanation.routings) {
    if (r.status === 'inactive' || r.status === 'nothing-left') {
      out.push(`  routing "${r.routing}": ${r.status}`);
      continue;
    }
    if (r.status === 'not-matched') {
      out.push(
        `  routing "${r.routing}": order filters not matched (${r.failed?.filter}: ${r.failed?.message})`,
      );
      continue;
    }
    out.push(`  routing "${r.routing}": matched lines ${r.lines.join(', ')}`);
    for (const s of r.skippedLines) out.push(`    skipped ${s.lineSeq}: ${s.filter} ${s.message}`);
    for (const rule of r.rules) out.push(...ruleLines(rule));
  }
  out.push('Result:');
  for (const a of d.allocations) {
    out.push(`  allocate ${a.lineSeq}×${a.quantity} at ${a.facilityId} (${a.routing} / ${a.rule})`);
  }
  for (const q of d.queued) {
    const cancel = q.autoCancelAt ? `, auto-cancel ${q.autoCancelAt}` : '';
    out.push(
      `  queue ${q.lineSeq}×${q.quantity} in ${q.queue}${cancel} (${q.routing} / ${q.rule})`,
    );
  }
  for (const u of d.unplaced) out.push(`  unplaced ${u.lineSeq}×${u.quantity} (${u.reason})`);
  if (d.allocations.length + d.queued.length + d.unplaced.length === 0)
    out.push('  nothing to place');
  return out.join('\n');
}
