/**
 * Order intake, shared by `POST /orders` and the storefront JSON file import: validate against the
 * published schema, then create the order in one transaction whose first item is a conditional put
 * of the external-id key — so the same storefront order submitted twice creates one order.
 *
 * A submission whose external id is already known is compared with the stored order
 * (shared/domain/orders/order-diff.ts): the same content is a `duplicate` (idempotent, the existing
 * order id back); other content is a `conflict` naming what differs. Neither changes the stored
 * order: a changed order is not taken silently, and not applied either.
 */
import { randomBytes } from 'node:crypto';
import {
  formatValidationError,
  newOrder,
  validateOrder,
  type OrderInput,
  type OrderValidationError,
} from '../domain/orders/order.ts';
import { canonicalJson } from '../domain/lifecycle/commands.ts';
import {
  conflictReason,
  hasDifferences,
  orderDifferences,
  type OrderDifferences,
} from '../domain/orders/order-diff.ts';
import { customerPayload, salesOrderPayload } from '../domain/sync/payloads.ts';
import { TxCancelled, type OrderStore } from '../store/order-store.ts';
import { backoffMs, sleep } from '../store/transactions.ts';
import type { SyncStore } from '../store/sync-store.ts';
import type { StateCache } from './state-cache.ts';

export type SubmitResult =
  | { readonly status: 'created'; readonly orderId: string; readonly externalId: string }
  | { readonly status: 'duplicate'; readonly orderId: string; readonly externalId: string }
  | {
      /** The external id is known with other content: nothing was created or changed. */
      readonly status: 'conflict';
      readonly orderId: string;
      readonly externalId: string;
      /** One sentence: what differs (bounded). */
      readonly message: string;
      readonly differences: OrderDifferences;
    }
  | {
      readonly status: 'rejected';
      readonly order: string;
      readonly errors: readonly OrderValidationError[];
      /** One line per error: `order <id>: <field> <message>`. */
      readonly messages: readonly string[];
    };

export interface SubmitMeta {
  /** `http` or `file:<object key>`. */
  readonly source: string;
  readonly actor: string;
  /** Position of the order in its submission (1-based), to name orders without an id. */
  readonly position?: number;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new order id: `O`, the time (9 base-32 digits), 6 random ones, e.g. `O1M84XCSJM419SJ9`. */
export function newOrderId(now = Date.now()): string {
  let t = '';
  for (let n = now, i = 0; i < 9; i++, n = Math.floor(n / 32)) t = ALPHABET[n % 32] + t;
  const r = [...randomBytes(6)].map((b) => ALPHABET[b % 32]).join('');
  return `O${t}${r}`;
}

export class OrderIntake {
  constructor(
    private readonly orders: OrderStore,
    private readonly opts: {
      now?: () => string;
      newId?: () => string;
      cache?: StateCache;
      /** When given, new orders (and their customers) join the NetSuite sync outbox. */
      sync?: SyncStore;
    } = {},
  ) {}

  async submit(value: unknown, meta: SubmitMeta): Promise<SubmitResult> {
    const checked = validateOrder(value, meta.position);
    if (!checked.ok) {
      return {
        status: 'rejected',
        order: checked.order,
        errors: checked.errors,
        messages: checked.errors.map(formatValidationError),
      };
    }
    const input = checked.order;
    const now = this.opts.now?.() ?? new Date().toISOString();
    const orderId = this.opts.newId?.() ?? newOrderId();
    const { header, lines } = newOrder(input, orderId, {
      now,
      source: meta.source,
      actor: meta.actor,
    });
    const result = { status: 'created', orderId, externalId: input.externalId } as const;
    const sync = this.opts.sync;
    if (sync) {
      // The customer first: should the order's transaction fail, a queued customer is harmless;
      // the other way round, an order could wait for a customer nobody sends.
      const customer = customerPayload(input.customer);
      await sync.enqueue('customer', customer.partyId, customer, now);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.orders.create(
          header,
          lines,
          {
            type: 'created',
            orderId,
            lines: lines.map((l) => ({ lineSeq: l.lineSeq, quantity: l.quantity })),
            actor: meta.actor,
            idempotencyKey: 'created',
            at: now,
            reason: `order ${input.externalId} from ${meta.source}`,
            request: canonicalJson({ type: 'create', externalId: input.externalId }),
            result,
          },
          sync
            ? [sync.outboxPut('salesorder', orderId, salesOrderPayload(header, lines), now)]
            : [],
        );
        for (const line of lines) this.opts.cache?.putLine(line);
        return result;
      } catch (err) {
        if (!(err instanceof TxCancelled)) throw err;
        // The same order sent twice at once: the other transaction is creating it; once it has,
        // this one finds the external id taken.
        if (err.cancellation.conflict && !err.cancellation.failed.size && attempt < 8) {
          await sleep(backoffMs(attempt, 10, 500));
          continue;
        }
        if (!err.cancellation.failed.has('external')) throw err;
        const existing = await this.orders.orderIdForExternal(input.externalId);
        if (!existing) throw err;
        return this.compareWithStored(existing, input);
      }
    }
  }

  /** A submission of a known external id: `duplicate` when it says the same, else `conflict`. */
  private async compareWithStored(orderId: string, input: OrderInput): Promise<SubmitResult> {
    const stored = (await this.orders.headersAndLines([orderId])).get(orderId);
    if (!stored)
      throw new Error(`order ${orderId} (external id ${input.externalId}) has no header`);
    const differences = orderDifferences(stored, input);
    if (!hasDifferences(differences)) {
      return { status: 'duplicate', orderId, externalId: input.externalId };
    }
    return {
      status: 'conflict',
      orderId,
      externalId: input.externalId,
      message: conflictReason(input.externalId, orderId, differences),
      differences,
    };
  }
}
