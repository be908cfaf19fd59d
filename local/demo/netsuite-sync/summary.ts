/**
 * What each side holds once the day is over. The OMS: orders approved (NetSuite order id and every
 * line id known, hold lifted), deposits confirmed, customers with their NetSuite id, and every
 * order still waiting with the reason — held back by the last sales-order export run, or parked in
 * `required_fields_missing/`. NetSuite: the simulator's record counts. Then the figures both sides
 * must agree on.
 */
import { HOLDS } from '../../../shared/domain/lifecycle/holds.ts';
import { partyIdFor } from '../../../shared/domain/sync/party.ts';
import { feedById } from '../../../shared/feeds/catalog.ts';
import { netsuiteIdStore, orderRuntime, root, syncStore } from '../../../shared/app/root.ts';
import type { SimulatorSnapshot } from '../../netsuite/index.ts';
import type { DemoContext } from '../types.ts';

/** What the OMS wrote for NetSuite during the day (records, and files in the inbound folders). */
export interface SentTally {
  customers: number;
  salesOrders: number;
  lines: number;
  deposits: number;
  files: number;
}

export interface WaitingOrder {
  readonly orderId: string;
  readonly externalId: string;
  readonly reasons: readonly string[];
  /** The file below the NetSuite root that holds its rows, when it went to required_fields_missing/. */
  readonly file?: string;
}

export interface Check {
  readonly name: string;
  readonly oms: number;
  readonly netsuite: number;
  readonly ok: boolean;
}

export interface NetsuiteSyncSummary {
  readonly oms: {
    readonly ordersCreated: number;
    readonly approved: number;
    readonly approvedLines: number;
    readonly depositsConfirmed: number;
    /** Customers who ordered, and how many of them have their NetSuite id. */
    readonly customers: number;
    readonly customersWithNetsuiteId: number;
    readonly sent: SentTally;
    readonly waiting: readonly WaitingOrder[];
  };
  readonly netsuite: SimulatorSnapshot['counts'] & {
    readonly idFilesWritten: number;
    /** Records an import of NetSuite updated rather than created, by script. */
    readonly receivedAgain: Readonly<Record<string, number>>;
  };
  readonly checks: readonly Check[];
}

const WAITING_FOR_IDS = 'waiting for its NetSuite ids';

interface OrderState {
  readonly orderId: string;
  readonly externalId: string;
  readonly approved: boolean;
  readonly lines: number;
  readonly paid: boolean;
}

async function readOrders(orderIds: readonly string[]): Promise<OrderState[]> {
  const { orders } = orderRuntime(root());
  const queue = [...orderIds];
  const out: OrderState[] = [];
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      const o = await orders.order(id);
      out.push({
        orderId: id,
        externalId: o.header?.externalId ?? '',
        approved:
          !!o.header?.netsuiteOrderId &&
          o.lines.every((l) => !l.holds[HOLDS.AWAITING_NETSUITE_IDS]),
        lines: o.lines.length,
        paid: o.header?.paymentVerified === true,
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}

/** Why each order still in the sales-order outbox is not on its way: reasons by order id. */
async function heldBack(): Promise<Map<string, { reasons: string[]; file?: string }>> {
  const why = new Map<string, { reasons: string[]; file?: string }>();
  const [last] = await syncStore(root()).runs('sales-order-export', 1);
  for (const h of (last?.details?.held ?? []) as { id: string; reasons: string[] }[]) {
    why.set(h.id, { reasons: [...h.reasons] });
  }
  const folder = feedById('sales-order-export').folder;
  for await (const page of syncStore(root()).entries('salesorder')) {
    for (const e of page) {
      if (e.state.missingFieldsFile) {
        why.set(e.id, {
          reasons: [e.state.heldBack ?? 'missing required fields'],
          file: `${folder}/required_fields_missing/${e.state.missingFieldsFile}`,
        });
      } else if (!why.has(e.id) && e.state.heldBack) {
        why.set(e.id, { reasons: [e.state.heldBack] });
      }
    }
  }
  return why;
}

export async function netsuiteSyncSummary(
  ctx: DemoContext,
  sent: SentTally,
): Promise<NetsuiteSyncSummary> {
  const orders = await readOrders([...ctx.orders.values()]);
  const why = await heldBack();
  const approved = orders.filter((o) => o.approved);
  const waiting = orders
    .filter((o) => !o.approved)
    .map((o): WaitingOrder => ({
      orderId: o.orderId,
      externalId: o.externalId,
      ...(why.get(o.orderId) ?? { reasons: [WAITING_FOR_IDS] }),
    }))
    .sort((a, b) => a.externalId.localeCompare(b.externalId));

  const ordered = new Set(
    ctx.sample.orders
      .filter((o) => ctx.orders.has(o.externalId))
      .map((o) => partyIdFor(o.customer.shopCustomerId)),
  );
  const known = await netsuiteIdStore(root()).customerIds(ordered);

  const { counts } = ctx.sim.snapshot();
  const receivedAgain: Record<string, number> = {};
  // The sales order update import only ever updates (allocations): not a record sent again.
  for (const e of ctx.sim.log.filter(
    (x) => x.kind === 'updated' && x.script !== 'sales-order-update-import',
  )) {
    receivedAgain[e.script] = (receivedAgain[e.script] ?? 0) + 1;
  }
  // The files of this flow's feeds (NetSuite also reads the allocation updates).
  const folders = new Set(
    (['customer-export', 'sales-order-export', 'customer-deposit-export'] as const).map(
      (id) => feedById(id).folder,
    ),
  );
  const netsuite = {
    ...counts,
    filesReceived: ctx.sim.received.filter((f) => folders.has(f.folder)).length,
    idFilesWritten: ctx.sim.log.filter((e) => e.kind === 'exported' && e.script === 'id-export')
      .length,
    receivedAgain,
  };
  const oms = {
    ordersCreated: orders.length,
    approved: approved.length,
    approvedLines: approved.reduce((n, o) => n + o.lines, 0),
    depositsConfirmed: orders.filter((o) => o.paid).length,
    customers: ordered.size,
    customersWithNetsuiteId: known.size,
    sent,
    waiting,
  };
  const check = (name: string, a: number, b: number): Check => ({
    name,
    oms: a,
    netsuite: b,
    ok: a === b,
  });
  return {
    oms,
    netsuite,
    checks: [
      check('customers', oms.customersWithNetsuiteId, counts.customers),
      check('sales orders', oms.approved, counts.salesOrders),
      check('sales order lines', oms.approvedLines, counts.salesOrderLines),
      check('customer deposits', oms.depositsConfirmed, counts.deposits),
      check('partial files seen', 0, counts.partialFilesSeen),
    ],
  };
}
