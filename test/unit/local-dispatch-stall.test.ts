/**
 * The event dispatch never waits silently: `idle()` says what it waits for once it has waited
 * `stallReportMs`; and a service falsely thought down (a probe slower than its timeout under
 * load) is probed again and counts as up as soon as it answers, so no delivery waits forever.
 */
import { describe, expect, it } from 'vitest';
import { EventDispatcher } from '../../local/event-dispatch.ts';
import { HealthMonitor } from '../../local/health.ts';

describe('event dispatch stalls are reported; false outages end', () => {
  it('idle() names the service it waits for', async () => {
    const lines: string[] = [];
    const health = new HealthMonitor(
      [{ name: 'the S3 emulator', probe: () => new Promise(() => undefined) }],
      () => undefined,
      20,
      10,
    );
    health.markDown('the S3 emulator', 'no answer within 20 ms');
    const dispatcher = new EventDispatcher({
      user: 'netsuite',
      deadLetters: { takeRedriven: () => [] } as never,
      health,
      redrivePollMs: 0,
      stallReportMs: 50,
      log: (l) => lines.push(l),
    });
    dispatcher.enqueueBody('inventory-snapshot-import', '{}', { key: 'f.csv' });
    const idle = dispatcher.idle();
    await new Promise((r) => setTimeout(r, 200));
    const report = lines.find((l) => l.includes('idle() has waited'));
    expect(report).toContain('the S3 emulator');
    expect(report).toContain('waiting for the services');
    expect(report).toContain('f.csv');
    health.stop();
    await dispatcher.stop();
    await idle;
  });

  it('a probe that timed out under load is probed again, and the outage ends when it answers', async () => {
    let calls = 0;
    const health = new HealthMonitor(
      [
        {
          name: 'DynamoDB Local',
          // The first answer comes after the timeout (a loaded machine); the next ones in time.
          probe: () => new Promise<void>((r) => setTimeout(r, ++calls === 1 ? 200 : 1)),
        },
      ],
      () => undefined,
      50,
      10,
    );
    expect(await health.check()).toBe(false);
    const back = await Promise.race([
      health.whenHealthy().then(() => true),
      new Promise((r) => setTimeout(() => r(false), 2_000)),
    ]);
    expect(back).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(2);
    health.stop();
  });
});
