/** An in-memory `ErrorReportStore` for unit tests of pure code: what the report writes. */
import { Readable } from 'node:stream';
import type { ErrorReportStore } from '../../shared/feeds/error-report.ts';

export function memoryErrorStore() {
  const objects = new Map<string, Buffer>();
  const store: ErrorReportStore = {
    async writeAtomically(key, body) {
      const chunks: Buffer[] = [];
      if (typeof body === 'string' || Buffer.isBuffer(body)) chunks.push(Buffer.from(body));
      else for await (const c of body) chunks.push(Buffer.from(c as Buffer));
      objects.set(key, Buffer.concat(chunks));
    },
    async openRead(key) {
      const b = objects.get(key);
      return b ? Readable.from([b]) : undefined;
    },
    async delete(key) {
      objects.delete(key);
    },
  };
  return { objects, store };
}
