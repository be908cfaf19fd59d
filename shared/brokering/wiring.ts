/** Builds the brokering services from the process-wide clients and configuration. */
import {
  parseRoutingConfig,
  formatConfigErrors,
  type RoutingConfig,
} from '../domain/brokering/index.ts';
import { orderRuntime } from '../orders/runtime.ts';
import { BrokeringStore } from '../store/brokering-store.ts';
import { dynamo, table } from '../store/dynamo-client.ts';
import { FacilityStore } from '../store/facility-store.ts';
import { SyncStore } from '../store/sync-store.ts';
import type { BrokerDeps } from './broker-orders.ts';
import type { RejectionImportDeps } from './netsuite-rejections.ts';

export const brokeringStore = () => new BrokeringStore(dynamo(), table('control'));

/** The routing configuration stored by `oms broker routing load`, if any. */
export async function storedRouting(store = brokeringStore()): Promise<RoutingConfig | undefined> {
  const stored = await store.routing();
  if (!stored) return undefined;
  const parsed = parseRoutingConfig(stored.config);
  if (!parsed.ok)
    throw new Error(`stored routing is invalid:\n${formatConfigErrors(parsed.errors)}`);
  return parsed.config;
}

/** `OMS_REJECTION_EXCLUDE_DAYS`: days a rejecting facility stays excluded (unset: forever). */
export function rejectionExcludeDays(env = process.env): number | undefined {
  const text = env.OMS_REJECTION_EXCLUDE_DAYS;
  if (text === undefined || text.trim() === '') return undefined;
  const days = Number(text);
  if (!Number.isFinite(days) || days < 0) {
    throw new Error(`OMS_REJECTION_EXCLUDE_DAYS must be a number of days ≥ 0, not "${text}"`);
  }
  return days;
}

/** The brokering services, or undefined when no routing is configured yet. */
export async function brokerDeps(
  overrides: Partial<BrokerDeps> = {},
): Promise<BrokerDeps | undefined> {
  const brokering = brokeringStore();
  const config = overrides.config ?? (await storedRouting(brokering));
  if (!config) return undefined;
  const { orders, positions, service, cache } = orderRuntime();
  const facilities = new FacilityStore(dynamo(), table('control'));
  return {
    brokering,
    orders,
    positions,
    service,
    cache,
    sync: new SyncStore(dynamo(), table('control')),
    facilities: () => facilities.list(),
    config,
    rejectionExcludeDays: rejectionExcludeDays(),
    ...overrides,
  };
}

export function rejectionImportDeps(): RejectionImportDeps {
  const brokering = brokeringStore();
  const facilities = new FacilityStore(dynamo(), table('control'));
  return {
    orders: orderRuntime().orders,
    service: orderRuntime().service,
    brokering,
    sync: new SyncStore(dynamo(), table('control')),
    facilities: () => facilities.list(),
    lastRow: brokering.feedLastRow('rejected-item-import'),
  };
}
