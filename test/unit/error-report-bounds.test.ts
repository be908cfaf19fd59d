import { memoryErrorStore } from '../support/memory-error-store.ts';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ErrorReport } from '../../shared/feeds/error-report.ts';
import { boundedReason } from '../../shared/feeds/limits.ts';

describe('the error report keeps every row bounded', () => {
  it('cuts a reason to 500 characters and a raw line to 2,000, saying so', async () => {
    const { objects, store } = memoryErrorStore();
    const report = new ErrorReport(
      store,
      'x~1a2b3c4d.csv',
      'error/x~1a2b3c4d.csv.errors.csv',
      'parts/',
    );
    report.add({ line: 2, field: 'Item', reason: 'r'.repeat(70_000), raw: 'w'.repeat(20_000) });
    report.add({ line: 3, field: 'Item', reason: 'short', raw: 'a,b' });
    expect(await report.close()).toBe('error/x~1a2b3c4d.csv.errors.csv');
    const file = objects.get('error/x~1a2b3c4d.csv.errors.csv')!;
    expect(file.length).toBeLessThan(3_000);
    const rows = parse(file, { columns: true }) as Array<Record<string, string>>;
    expect(rows[0]!.file).toBe('x~1a2b3c4d.csv');
    expect(rows[0]!.reason!.length).toBeLessThanOrEqual(500);
    expect(rows[0]!.reason!.endsWith('… (cut: 70,000 characters)')).toBe(true);
    expect(rows[0]!.raw).toBe(`${'w'.repeat(2000)}… (cut: 20,000 characters)`);
    expect(rows[1]).toMatchObject({ line: '3', reason: 'short', raw: 'a,b' });
    expect(boundedReason('ok')).toBe('ok');
  });
});
