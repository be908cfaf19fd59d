/**
 * The storefront order file importer: each record of the array is an order (see
 * docs/order.schema.json). An invalid order is rejected on its own, naming the order and the
 * field; valid ones are created (a few at a time); an order already known by its external id is
 * not created again, so a file imported twice creates each order once. An order whose external id
 * is known with other content (lines added, removed or changed, other header fields) is refused as
 * a conflict, its error row saying what differs; the stored order is left as it was.
 */
import { validateOrder } from '../domain/orders/order.ts';
import type { RowRejection } from '../feeds/file-import.ts';
import type { JsonImporter, JsonImportSession } from '../feeds/json-file-import.ts';
import type { OrderIntake } from '../orders/intake.ts';

export function storefrontOrderImporter(intake: OrderIntake, concurrency = 8): JsonImporter {
  return {
    async open({ key }): Promise<JsonImportSession> {
      const stats = { created: 0, duplicate: 0, conflict: 0 };
      const conflicts: Array<{ position: number; problems: RowRejection[] }> = [];
      const running = new Set<Promise<void>>();
      let failure: unknown;
      return {
        async record(value, position) {
          if (failure) throw failure;
          const checked = validateOrder(value, position);
          if (!checked.ok) {
            return checked.errors.map((e) => ({
              field: e.field,
              reason: `order ${e.order}: ${e.field} ${e.message}`,
            }));
          }
          while (running.size >= concurrency) await Promise.race(running);
          const task = intake
            .submit(checked.order, {
              source: `file:${key}`,
              actor: 'storefront-order-import',
              position,
            })
            .then((r) => {
              if (r.status === 'created') stats.created++;
              else if (r.status === 'duplicate') stats.duplicate++;
              else if (r.status === 'conflict') {
                stats.conflict++;
                conflicts.push({
                  position,
                  problems: [{ field: 'externalId', reason: r.message }],
                });
              }
            })
            .catch((err: unknown) => {
              failure ??= err;
            });
          const tracked = task.finally(() => running.delete(tracked));
          running.add(tracked);
          return [];
        },
        async finish() {
          await Promise.all(running);
          if (failure) throw failure;
          return stats;
        },
        lateRejections: () => conflicts.sort((a, b) => a.position - b.position),
      };
    },
  };
}
