import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { FEEDS, type FeedDefinition } from '../../shared/feeds/catalog.ts';
import { toLocalSchedule } from '../../local/schedule-expression.ts';

const next = (expression: string, from: string) => {
  const s = toLocalSchedule(expression);
  if (s.kind !== 'cron') throw new Error('not cron');
  return new Cron(s.pattern, { ...s.options, timezone: 'UTC' })
    .nextRun(new Date(from))
    ?.toISOString();
};

describe('toLocalSchedule', () => {
  it('runs every 15 minutes for cron(0/15 * * * ? *)', () => {
    expect(next('cron(0/15 * * * ? *)', '2026-11-23T10:07:00Z')).toBe('2026-11-23T10:15:00.000Z');
  });

  it('reads AWS day-of-week numbers with 1 = Sunday', () => {
    // 2026-11-23 is a Monday; "2" is Monday on AWS.
    expect(next('cron(30 2 ? * 2 *)', '2026-11-22T12:00:00Z')).toBe('2026-11-23T02:30:00.000Z');
    expect(next('cron(0 3 ? * 1 *)', '2026-11-23T12:00:00Z')).toBe('2026-11-29T03:00:00.000Z');
  });

  it('turns rate() into an interval', () => {
    expect(toLocalSchedule('rate(5 minutes)')).toEqual({ kind: 'interval', ms: 300_000 });
    expect(toLocalSchedule('rate(1 hour)')).toEqual({ kind: 'interval', ms: 3_600_000 });
  });

  it('refuses what AWS refuses', () => {
    expect(() => toLocalSchedule('cron(0 * * * *)')).toThrow(/6 fields/);
    expect(() => toLocalSchedule('cron(0 * 1 * 2 *)')).toThrow(/\?/);
    expect(() => toLocalSchedule('every 5 minutes')).toThrow(/neither/);
  });

  it('understands every schedule in the feed catalog', () => {
    const expressions = (FEEDS as readonly FeedDefinition[]).flatMap((f) =>
      f.trigger.kind === 'schedule' ? [f.trigger.expression] : [],
    );
    expect(expressions.length).toBeGreaterThan(0);
    for (const e of expressions) expect(() => toLocalSchedule(e)).not.toThrow();
  });
});
