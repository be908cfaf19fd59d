/**
 * The storefront: every five simulated minutes it submits the orders placed since its last run
 * through order intake (what `POST /orders` and the storefront file import call), a few at once.
 */
import { orderRuntime, root } from '../../shared/app/root.ts';
import type { DemoArrival } from './sample.ts';
import type { DemoJob } from './types.ts';

export const STOREFRONT_SCHEDULE = 'rate(5 minutes)';
const CONCURRENCY = 8;

export interface IntakeSummary {
  readonly submitted: number;
  readonly created: number;
  /** Submissions intake recognised as an order it already had. */
  readonly duplicates: number;
  readonly rejected: readonly { readonly order: string; readonly messages: readonly string[] }[];
  /** Orders of the sample not submitted by the end of the day (should be none). */
  readonly notSubmitted: number;
}

export class Storefront {
  /** External id → OMS order id, for every order created. */
  readonly book = new Map<string, string>();
  private next = 0;
  private duplicates = 0;
  private readonly rejected: { order: string; messages: readonly string[] }[] = [];

  constructor(private readonly arrivals: readonly DemoArrival[]) {}

  readonly job: DemoJob = {
    id: 'storefront-orders',
    expression: STOREFRONT_SCHEDULE,
    run: (at) => this.submitUntil(at),
  };

  get submitted(): number {
    return this.next;
  }

  /** Submits every order placed at or before `at` not yet submitted. */
  async submitUntil(at: Date): Promise<void> {
    const due: { arrival: DemoArrival; position: number }[] = [];
    while (this.next < this.arrivals.length && this.arrivals[this.next]!.at <= at) {
      due.push({ arrival: this.arrivals[this.next]!, position: ++this.next });
    }
    const { intake } = orderRuntime(root());
    const worker = async () => {
      for (let d = due.shift(); d; d = due.shift()) {
        const r = await intake.submit(d.arrival.order, {
          source: 'demo',
          actor: 'storefront',
          position: d.position,
        });
        if (r.status === 'created') this.book.set(r.externalId, r.orderId);
        else if (r.status === 'duplicate') this.duplicates++;
        else if (r.status === 'conflict')
          this.rejected.push({ order: r.externalId, messages: [r.message] });
        else this.rejected.push({ order: r.order, messages: r.messages });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  summary(): IntakeSummary {
    return {
      submitted: this.next,
      created: this.book.size,
      duplicates: this.duplicates,
      rejected: [...this.rejected],
      notSubmitted: this.arrivals.length - this.next,
    };
  }
}
