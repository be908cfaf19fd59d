/**
 * NetSuite's exception files, the pure parts: reading an error file (split at the first comma,
 * line and record numbers, header only, garbage), finding the record on a line, fingerprints,
 * manifest parts within DynamoDB's item limit, and the rules deciding what a refused record does.
 */
import { describe, expect, it } from 'vitest';
import {
  decideRefused,
  errorFileKind,
  nextNote,
  parseErrorFile,
  parseErrorRow,
  recordsAt,
  rowsFingerprint,
  linesFingerprint,
  isRowsFingerprint,
  waitsForFix,
  type ManifestRecord,
  type Refusal,
} from '../../shared/domain/sync/netsuite-error-file.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { manifestParts, readManifestPart } from '../../shared/store/manifest-parts.ts';
import { netsuiteImportFolders } from '../../shared/sync/netsuite-exceptions.ts';

const FILE = '2026-11-23-20-15-00-123-AllocationUpdate-ab12cd-1.csv';

describe('reading an error file', () => {
  it('splits each row at its first comma only: the message keeps its commas', () => {
    const parsed = parseErrorFile(
      [
        'fileName,errorMessage',
        `${FILE},line 3: Invalid item reference key 999 for line 2, sales order 50001`,
        `${FILE},record 2: Unknown payment method, check the mapping`,
        `${FILE},Header does not match: missing column(s) lineId, quantity`,
        '',
      ].join('\n'),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.garbage).toEqual([]);
    expect(parsed.rows.map((r) => [r.errorLine, r.fileName, r.target, r.message])).toEqual([
      [
        2,
        FILE,
        { kind: 'line', n: 3 },
        'Invalid item reference key 999 for line 2, sales order 50001',
      ],
      [3, FILE, { kind: 'record', n: 2 }, 'Unknown payment method, check the mapping'],
      [4, FILE, { kind: 'file' }, 'Header does not match: missing column(s) lineId, quantity'],
    ]);
  });

  it('reads only the leading "line <n>:" as the line (a message may name other lines)', () => {
    const row = parseErrorRow(`${FILE},line 2: line 7 does not exist on sales order 50001`, 2);
    expect(row).toMatchObject({ target: { kind: 'line', n: 2 } });
    expect(row).toMatchObject({ message: 'line 7 does not exist on sales order 50001' });
    // Without the colon it is a message about the whole file.
    expect(parseErrorRow(`${FILE},line 7 does not exist`, 2)).toMatchObject({
      target: { kind: 'file' },
      message: 'line 7 does not exist',
    });
    expect(parseErrorRow(`${FILE},Line 4 : bad value\r`.replace('\r', ''), 2)).toMatchObject({
      target: { kind: 'line', n: 4 },
      message: 'bad value',
    });
  });

  it('a header-only file has no rows; CRLF and a byte-order mark are tolerated', () => {
    expect(parseErrorFile('fileName,errorMessage\n')).toEqual({ ok: true, rows: [], garbage: [] });
    expect(parseErrorFile('\uFEFFfileName,errorMessage\r\n')).toEqual({
      ok: true,
      rows: [],
      garbage: [],
    });
    const crlf = parseErrorFile(`fileName,errorMessage\r\n${FILE},line 2: closed line\r\n`);
    expect(crlf.ok && crlf.rows[0]).toMatchObject({ message: 'closed line', fileName: FILE });
  });

  it('refuses a file that is not an error file, and returns garbage rows beside the good ones', () => {
    expect(parseErrorFile('')).toEqual({ ok: false, reason: 'empty error file' });
    expect(parseErrorFile('file,line,field,reason\nx,1,a,b\n')).toMatchObject({ ok: false });
    expect(parseErrorFile('\u0000\u0001garbage')).toMatchObject({ ok: false });
    const parsed = parseErrorFile(
      [
        'fileName,errorMessage',
        'no comma at all',
        ',line 2: no file name',
        `${FILE},line 0: impossible`,
        `${FILE},line 2: fine`,
      ].join('\n'),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.rows.map((r) => r.errorLine)).toEqual([5]);
    expect(parsed.garbage.map((g) => [g.errorLine, g.reason])).toEqual([
      [2, 'no comma: not `fileName,errorMessage`'],
      [3, 'no file name'],
      [4, 'impossible line number "0"'],
    ]);
  });

  it('knows the error file kinds by name', () => {
    expect(errorFileKind('Wed Jul 02 2025 03:15:00 GMT-0700 (PDT)-ErrorSalesOrderUpdate.csv')).toBe(
      'SalesOrderUpdate',
    );
    expect(errorFileKind('x.csv.errors.csv')).toBeUndefined();
  });
});

describe('manifests', () => {
  const records: ManifestRecord[] = [
    { id: 'A', first: 2, last: 2, fingerprint: 'a' },
    { id: 'B', first: 3, last: 5, fingerprint: 'b' },
    { id: 'C', first: 6, last: 6, fingerprint: 'c' },
  ];

  it('finds the record on a line (a sales order spans several lines); none on the header', () => {
    expect(recordsAt(records, 2).map((r) => r.id)).toEqual(['A']);
    expect(recordsAt(records, 4).map((r) => r.id)).toEqual(['B']);
    expect(recordsAt(records, 6).map((r) => r.id)).toEqual(['C']);
    expect(recordsAt(records, 1)).toEqual([]);
    expect(recordsAt(records, 7)).toEqual([]);
  });

  it('fingerprints rows by the feed columns: changed cell → other fingerprint, order of keys irrelevant', () => {
    const columns = feedById('allocation-update-export').columns;
    const row = { lineId: '1', internalId: '50001', item: '501', quantity: '3', location: '13' };
    const same = { location: '13', quantity: '3', item: '501', internalId: '50001', lineId: '1' };
    expect(rowsFingerprint([row], columns)).toBe(rowsFingerprint([same], columns));
    expect(rowsFingerprint([row], columns)).not.toBe(
      rowsFingerprint([{ ...row, item: '777' }], columns),
    );
    expect(rowsFingerprint([row], columns)).toMatch(/^[0-9a-f]{16}$/);
    // JSON entries: keys sorted, values typed.
    expect(rowsFingerprint([{ a: 1, b: 'x' }])).toBe(rowsFingerprint([{ b: 'x', a: 1 }]));
    expect(rowsFingerprint([{ a: 1 }])).not.toBe(rowsFingerprint([{ a: '1' }]));
  });

  it("fingerprints a CSV record's lines as written, told apart from the rows' fingerprints of old", () => {
    const lines = '1,50001,501,3,13\n';
    expect(linesFingerprint(lines)).toMatch(/^c[0-9a-f]{16}$/);
    expect(linesFingerprint(lines)).toBe(linesFingerprint('1,50001,501,3,13\n'));
    expect(linesFingerprint(lines)).not.toBe(linesFingerprint('1,50001,777,3,13\n'));
    expect(isRowsFingerprint(linesFingerprint(lines))).toBe(false);
    expect(isRowsFingerprint(rowsFingerprint([{ a: 1 }]))).toBe(true);
  });

  it('packs 25,000 send-once records into parts below 400 kB that read back whole', () => {
    const many: ManifestRecord[] = Array.from({ length: 25_000 }, (_, i) => ({
      id: `O${100000 + i}#00001#WH-${i % 40}`,
      first: i + 2,
      last: i + 2,
      fingerprint: rowsFingerprint([{ i }]),
      payload: {
        orderId: `O${100000 + i}`,
        lineSeq: '00001',
        facilityId: `WH-${i % 40}`,
        afterRejection: i % 7 === 0,
      },
    }));
    const parts = manifestParts(many);
    expect(parts.length).toBeLessThanOrEqual(24); // one BatchWriteItem with the head
    for (const p of parts) expect(p.length).toBeLessThan(400_000);
    expect(parts.flatMap((p) => readManifestPart(p))).toEqual(many);
  });

  it('splits a part that would still be too big after compression', () => {
    const noisy: ManifestRecord[] = Array.from({ length: 5_000 }, (_, i) => ({
      id: `R${i}`,
      first: i + 2,
      last: i + 2,
      fingerprint: 'f',
      // 192 hex digits of noise each: about 1 MB that gzip cannot shrink below 350 kB
      payload: { blob: Array.from({ length: 12 }, (_, k) => rowsFingerprint([{ i, k }])).join('') },
    }));
    const parts = manifestParts(noisy);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(350_000);
    expect(parts.flatMap((p) => readManifestPart(p))).toEqual(noisy);
  });

  it('watches the five folders NetSuite imports from the OMS, from the catalog', () => {
    expect(netsuiteImportFolders().sort()).toEqual([
      'customer/export',
      'inventoryadjustment/csv',
      'salesorder/customerdeposit',
      'salesorder/export',
      'salesorder/update',
    ]);
  });
});

describe('refusal notes and the re-send rule', () => {
  const rows = (file: string, lines: number[], message: string): Refusal => ({
    feed: 'allocation-update-export',
    file,
    key: `k/${file}`,
    kind: 'rows',
    lines,
    unit: 'line',
    message,
    errorFile: 'Wed-ErrorSalesOrderUpdate.csv',
    at: '2026-11-23T20:30:00.000Z',
    fingerprint: 'fp1',
  });
  const whole = (file: string): Refusal => ({
    ...rows(file, [], 'header does not match'),
    kind: 'file',
  });

  it('a refused row waits for a fix: not re-sent while its rows are unchanged', () => {
    const { note, changed } = nextNote(undefined, rows('F1', [2], 'unknown item'));
    expect(changed).toBe(true);
    expect(note).toMatchObject({ attempts: 1, fileFailures: 0, resend: undefined });
    expect(waitsForFix(note)).toBe(true);
    expect(decideRefused(note, 'fp1')).toEqual({ send: false });
    expect(decideRefused(note, 'fp2')).toEqual({ send: true, why: 'changed' });
    expect(decideRefused(undefined, 'fp1')).toEqual({ send: true });
  });

  it('the same file read twice counts once; another line of it merges', () => {
    const first = nextNote(undefined, rows('F1', [2], 'unknown item')).note;
    expect(nextNote(first, rows('F1', [2], 'unknown item'))).toEqual({
      note: first,
      changed: false,
    });
    const merged = nextNote(first, rows('F1', [4], 'bad location'));
    expect(merged.changed).toBe(true);
    expect(merged.note).toMatchObject({
      attempts: 1,
      lines: [2, 4],
      message: 'unknown item; bad location',
    });
  });

  it('refused again in another file after a re-send: one more attempt, waiting again', () => {
    const first = nextNote(undefined, rows('F1', [2], 'unknown item')).note;
    const resent = { ...first, resentAt: '2026-11-23T21:00:00.000Z', resentFile: 'F2' };
    expect(decideRefused(resent, 'fp1')).toEqual({ send: true });
    // The old error file read again changes nothing.
    expect(nextNote(resent, rows('F1', [2], 'unknown item')).changed).toBe(false);
    const again = nextNote(resent, { ...rows('F2', [3], 'unknown item'), fingerprint: 'fp2' });
    expect(again.note).toMatchObject({ attempts: 2, file: 'F2', fingerprint: 'fp2' });
    expect(again.note.resentAt).toBeUndefined();
    expect(decideRefused(again.note, 'fp2')).toEqual({ send: false });
  });

  it('a wholly failed file is re-sent once automatically, then treated like refused rows', () => {
    const first = nextNote(undefined, whole('F1')).note;
    expect(first).toMatchObject({ kind: 'file', fileFailures: 1, resend: 'auto', attempts: 1 });
    expect(waitsForFix(first)).toBe(false);
    expect(decideRefused(first, 'fp1')).toEqual({ send: true, why: 'auto' });
    const resent = { ...first, resend: undefined, resentAt: 'then', resentFile: 'F2' };
    const second = nextNote(resent, whole('F2')).note;
    expect(second).toMatchObject({ fileFailures: 2, attempts: 2, resend: undefined });
    expect(decideRefused(second, 'fp1')).toEqual({ send: false });
    expect(decideRefused(second, 'fp9')).toEqual({ send: true, why: 'changed' });
  });

  it("an operator's re-send goes once whatever the rows", () => {
    const note = { ...nextNote(undefined, rows('F1', [2], 'x')).note, resend: 'operator' as const };
    expect(decideRefused(note, 'fp1')).toEqual({ send: true, why: 'operator' });
    expect(waitsForFix(note)).toBe(false);
  });
});
