/**
 * A small in-process combiner: requests for the same key that arrive while a write for that key
 * is in flight are collected and written together by the next write. No timer: the first request
 * for an idle key is written at once (alone), and whoever arrives while a write is in flight rides
 * the next one — so an idle key costs nothing, and a hot key makes batches as large as the
 * arrivals during one write (at most `maxBatch`).
 *
 * A caller may also lead a write of its own (`lead`): when the key is idle it is marked busy until
 * the caller lets it go, so what arrives meanwhile is queued and written as one batch once the
 * caller's own write is done (the adaptive group commit: an uncontended request writes the plain
 * way, and only the requests that meet a write in flight are batched).
 *
 * One write per key at a time; keys are independent. `flush` answers one result per request, in
 * the order given; when it throws, every request of that batch gets the error.
 */
export type Flush<Req, Res> = (key: string, batch: readonly Req[]) => Promise<readonly Res[]>;

interface Waiting<Req, Res> {
  readonly req: Req;
  readonly resolve: (res: Res) => void;
  readonly reject: (err: unknown) => void;
}

export class Combiner<Req, Res> {
  private readonly queues = new Map<string, Waiting<Req, Res>[]>();

  constructor(
    private readonly flush: Flush<Req, Res>,
    private readonly maxBatch = 64,
  ) {
    if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) {
      throw new Error(`maxBatch must be a whole number ≥ 1, not ${maxBatch}`);
    }
  }

  /** Answers the request once the write that carried it is done. */
  submit(key: string, req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        // A write for the key is in flight: ride the next one.
        queue.push({ req, resolve, reject });
        return;
      }
      // The key is idle: this request leads, and its loop writes what arrives meanwhile.
      this.queues.set(key, [{ req, resolve, reject }]);
      void this.drain(key);
    });
  }

  /**
   * Leads a write of the caller's own for `key` when the key is idle: the key counts as busy (what
   * is submitted meanwhile waits) until the returned function is called, which then writes what
   * waits. Undefined when a write for the key is in flight or requests wait (submit instead).
   */
  lead(key: string): (() => void) | undefined {
    if (this.queues.has(key)) return undefined;
    this.queues.set(key, []);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      void this.drain(key);
    };
  }

  /** Whether a write for `key` is in flight or requests for it wait. */
  busy(key: string): boolean {
    return this.queues.has(key);
  }

  /** Keys with a write in flight or requests waiting (for tests and diagnosis). */
  get busyKeys(): number {
    return this.queues.size;
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        const out = await this.flush(
          key,
          batch.map((w) => w.req),
        );
        if (out.length !== batch.length) {
          throw new Error(`flush answered ${out.length} results for ${batch.length} requests`);
        }
        batch.forEach((w, i) => w.resolve(out[i]!));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.queues.delete(key);
  }
}
