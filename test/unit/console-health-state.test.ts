/**
 * The operator console's health rules (shared/domain/console/health-state.ts): the cadence of
 * EventBridge expressions and the state of a feed or job from its last run; and the console's
 * reading of kept file names (shared/console/files.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  cadenceMinutes,
  graceMinutes,
  healthState,
} from '../../shared/domain/console/health-state.ts';
import { locateKept, originalName, reportedName } from '../../shared/console/files.ts';
import { feedById } from '../../shared/feeds/catalog.ts';
import { waitingCause } from '../../shared/console/waiting.ts';

describe('cadence of a schedule expression', () => {
  it.each([
    ['cron(0/15 * * * ? *)', 15],
    ['cron(5/15 * * * ? *)', 15],
    ['cron(4/5 * * * ? *)', 5],
    ['cron(20 * * * ? *)', 60],
    ['cron(30 3 * * ? *)', 1440],
    ['cron(0 7 * * ? *)', 1440],
    ['cron(0 8,20 * * ? *)', 720],
    ['cron(0 9-17 * * ? *)', 960],
    ['rate(10 minutes)', 10],
    ['rate(2 hours)', 120],
    ['rate(1 day)', 1440],
  ])('%s → every %i minutes at most', (expression, minutes) => {
    expect(cadenceMinutes(expression)).toBe(minutes);
  });

  it('cannot read other expressions', () => {
    expect(cadenceMinutes('at(2026-01-01T00:00:00)')).toBeUndefined();
    expect(cadenceMinutes('cron(x * * * ? *)')).toBeUndefined();
  });
});

describe('state of a feed or job', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const ago = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

  it('ok within its cadence and grace, late after, failing when its last run failed', () => {
    expect(graceMinutes(15)).toBe(5);
    expect(graceMinutes(1440)).toBe(144);
    expect(healthState({ at: ago(19), failed: false }, 15, now)).toBe('ok');
    expect(healthState({ at: ago(21), failed: false }, 15, now)).toBe('late');
    expect(healthState({ at: ago(1), failed: true }, 15, now)).toBe('failing');
    expect(healthState(undefined, 15, now)).toBe('late');
    expect(healthState(undefined, 15, now, new Date(ago(3)))).toBe('ok');
  });

  it('a file-triggered feed without an expected cadence is never late', () => {
    expect(healthState(undefined, undefined, now)).toBe('idle');
    expect(healthState({ at: ago(100_000), failed: false }, undefined, now)).toBe('ok');
    expect(healthState({ at: ago(100_000), failed: true }, undefined, now)).toBe('failing');
  });
});

describe('kept files the console may read and re-import', () => {
  const feeds = [feedById('product-import'), feedById('customer-export')];
  const base = 'home/netsuite/netsuite/product/csv/';

  it('only direct children of archive/, error/, failed/ of an inbound feed', () => {
    expect(locateKept(`${base}failed/x~1a2b3c4d.csv`, 'netsuite', feeds)).toMatchObject({
      sub: 'failed',
      name: 'x~1a2b3c4d.csv',
    });
    expect(locateKept(`${base}error/x~1a2b3c4d.csv.errors.csv`, 'netsuite', feeds)?.sub).toBe(
      'error',
    );
    for (const key of [
      `${base}x.csv`,
      `${base}failed/sub/x.csv`,
      `${base}failed/`,
      `${base}failed/../../../../oms-state/x`,
      'home/netsuite/netsuite/customer/export/archive/x.csv',
      'oms-state/staging/x',
    ]) {
      expect(locateKept(key, 'netsuite', feeds), key).toBeUndefined();
    }
  });

  it('names: the partner’s name back from a kept version, the version a report describes', () => {
    expect(originalName('x~1a2b3c4d.csv')).toBe('x.csv');
    expect(originalName('x~1a2b3c4d.csv.errors.csv')).toBe('x.csv');
    expect(originalName('Wed Jul 02 2025 (PDT)-Inv~0011aabb.csv')).toBe(
      'Wed Jul 02 2025 (PDT)-Inv.csv',
    );
    expect(reportedName('x~1a2b3c4d.csv.errors.csv')).toBe('x~1a2b3c4d.csv');
  });
});

describe('why a record waits for its NetSuite id', () => {
  it.each([
    [{ sends: 0, heldBack: 'no NetSuite id for shipping method "X"' }, 'mapping'],
    [{ sends: 0, heldBack: 'no NetSuite item id for SKU "A"' }, 'item-unknown'],
    [{ sends: 0, heldBack: 'missing required fields: country' }, 'required-field'],
    [{ sends: 2, refused: 'refused by NetSuite: bad' }, 'refused'],
    [{ sends: 1 }, 'sent'],
    [{ sends: 0 }, 'not-sent'],
  ] as const)('%o → %s', (entry, cause) => {
    expect(waitingCause(entry).cause).toBe(cause);
  });
});
