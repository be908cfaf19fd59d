/**
 * Whether the local cloud's services answer. The event dispatch asks it before each delivery
 * (and waits while one is down), and after a failed delivery (a failure during an outage is the
 * outage's, not the message's: it does not count towards the dead-letter queue).
 */

export interface CloudHealth {
  /** Outages noticed so far: a delivery during which this changed failed because of one. */
  readonly outages: number;
  /** True when every service answered its last check. */
  healthy(): boolean;
  /** Resolves once every service answers again (at once when they do). */
  whenHealthy(): Promise<void>;
  /** Checks every service now; false when one does not answer (an outage, waited out). */
  check(): Promise<boolean>;
  /** The services thought down and why, for diagnostics. */
  state?(): Record<string, unknown>;
}

export interface Probe {
  readonly name: string;
  /** Resolves when the service answers; throws (or times out) when it does not. */
  readonly probe: () => Promise<void>;
}

const withTimeout = async (p: Promise<void>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/** Health from probes; `down(name)` marks a service down at once (e.g. its process exited). */
export class HealthMonitor implements CloudHealth {
  private readonly down = new Map<string, string>();
  private readonly waiters: Array<() => void> = [];
  private polling = false;
  private stopped = false;
  outages = 0;

  constructor(
    private readonly probes: readonly Probe[],
    private readonly log: (line: string) => void = () => undefined,
    private readonly timeoutMs = 3_000,
    private readonly pollMs = 500,
  ) {}

  healthy(): boolean {
    return this.down.size === 0;
  }

  state(): Record<string, unknown> {
    return {
      down: Object.fromEntries(this.down),
      polling: this.polling,
      waiters: this.waiters.length,
      stopped: this.stopped,
    };
  }

  whenHealthy(): Promise<void> {
    if (this.healthy() || this.stopped) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** Marks a service down now; it counts as up again once its probe answers. */
  markDown(name: string, why: string): void {
    if (this.stopped) return;
    if (!this.down.has(name)) {
      if (this.down.size === 0) this.outages++;
      this.down.set(name, why);
      this.log(`${name} is not answering (${why}); deliveries wait until it is back`);
    }
    this.poll();
  }

  async check(): Promise<boolean> {
    await Promise.all(
      this.probes.map(async (p) => {
        try {
          await withTimeout(p.probe(), this.timeoutMs);
        } catch (err) {
          this.markDown(p.name, err instanceof Error ? err.message.split('\n')[0]! : String(err));
        }
      }),
    );
    return this.healthy();
  }

  /** Probes the services that are down until each answers. */
  private poll(): void {
    if (this.polling) return;
    this.polling = true;
    void (async () => {
      while (!this.stopped && this.down.size > 0) {
        await new Promise((r) => setTimeout(r, this.pollMs).unref());
        for (const p of this.probes) {
          if (!this.down.has(p.name)) continue;
          try {
            await withTimeout(p.probe(), this.timeoutMs);
            this.down.delete(p.name);
            this.log(`${p.name} answers again`);
          } catch {
            // still down
          }
        }
      }
      this.polling = false;
      if (this.healthy() || this.stopped) for (const w of this.waiters.splice(0)) w();
      else this.poll(); // marked down again as the loop ended
    })();
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.waiters.splice(0)) w();
  }
}
