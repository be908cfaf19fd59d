/**
 * Builds the schedule-and-release job from the process-wide clients and the environment:
 * `OMS_TIME_ZONE` (IANA zone for "today", default `UTC`) and `OMS_SHIPPING_METHODS` (carrier and
 * lead days per shipping method, JSON; see `schedule-release-rules.ts`).
 */
import { OrderService } from '../orders/order-service.ts';
import { orderRuntime } from '../orders/runtime.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { LeaseLock } from '../store/lease-lock.ts';
import { ReleaseQueueStore } from '../store/release-queue-store.ts';
import { SyncStore } from '../store/sync-store.ts';
import { releaseGates } from './release-gates.ts';
import type { ScheduleReleaseDeps } from './schedule-release.ts';
import { checkTimeZone, parseShippingRules } from './schedule-release-rules.ts';

export const releaseQueueStore = () => new ReleaseQueueStore(dynamo(), table('control'));

/** The lock that keeps two schedule-and-release runs from overlapping. */
export const scheduleReleaseLock = () =>
  new LeaseLock(dynamo(), table('control'), 'schedule-release');

let releaseService: OrderService | undefined;

/** The order service the release job uses: the runtime's stores and cache, the release gates. */
function releaseOrderService(): OrderService {
  const { orders, positions, cache } = orderRuntime();
  releaseService ??= new OrderService({ orders, positions, cache, gates: releaseGates() });
  return releaseService;
}

export function scheduleReleaseDeps(
  overrides: Partial<ScheduleReleaseDeps> = {},
  env: NodeJS.ProcessEnv = process.env,
): ScheduleReleaseDeps {
  const { orders, positions, cache } = orderRuntime();
  const facilities = new FacilityStore(dynamo(), table('control'));
  return {
    queue: releaseQueueStore(),
    orders,
    positions,
    service: releaseOrderService(),
    gates: releaseGates(),
    sync: new SyncStore(dynamo(), table('control')),
    facilities: () => facilities.list(),
    lock: scheduleReleaseLock(),
    shipping: parseShippingRules(env.OMS_SHIPPING_METHODS),
    timeZone: checkTimeZone(env.OMS_TIME_ZONE?.trim() || 'UTC'),
    cache,
    ...overrides,
  };
}
