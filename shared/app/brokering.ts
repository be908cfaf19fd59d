/** The composition root's accessors for brokering (gathered by `root.ts`). */
import type { BrokerDeps } from '../brokering/broker-orders.ts';
import type { RejectionImportDeps } from '../brokering/netsuite-rejections.ts';
import {
  formatConfigErrors,
  parseRoutingConfig,
  type RoutingConfig,
} from '../domain/brokering/index.ts';
import { BrokeringStore } from '../store/brokering-store.ts';
import { LeaseLock } from '../store/lease-lock.ts';
import { type Root, brokeringStore, listFacilities, orderRuntime, syncStore } from './core.ts';

// ---------------------------------------------------------------------------------------------
// Brokering

/** The routing configuration stored by `oms broker routing load`, if any. */
export async function storedRouting(
  store: Pick<BrokeringStore, 'routing'>,
): Promise<RoutingConfig | undefined> {
  const stored = await store.routing();
  if (!stored) return undefined;
  const parsed = parseRoutingConfig(stored.config);
  if (!parsed.ok)
    throw new Error(`stored routing is invalid:\n${formatConfigErrors(parsed.errors)}`);
  return parsed.config;
}

/** `OMS_REJECTION_EXCLUDE_DAYS`: days a rejecting facility stays excluded (unset: forever). */
export function rejectionExcludeDays(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.OMS_REJECTION_EXCLUDE_DAYS;
  if (text === undefined || text.trim() === '') return undefined;
  const days = Number(text);
  if (!Number.isFinite(days) || days < 0) {
    throw new Error(`OMS_REJECTION_EXCLUDE_DAYS must be a number of days ≥ 0, not "${text}"`);
  }
  return days;
}

/** The brokering services (routing read per call), or undefined when no routing is stored yet. */
export async function brokerDeps(
  r: Root,
  overrides: Partial<BrokerDeps> = {},
): Promise<BrokerDeps | undefined> {
  const brokering = brokeringStore(r);
  const routing = overrides.config ?? (await storedRouting(brokering));
  if (!routing) return undefined;
  const { orders, positions, service, cache } = orderRuntime(r);
  return {
    brokering,
    orders,
    positions,
    service,
    cache,
    sync: syncStore(r),
    facilities: listFacilities(r),
    config: routing,
    rejectionExcludeDays: rejectionExcludeDays(r.env),
    ...overrides,
  };
}

/** The lock that keeps two brokering runs of one product store from overlapping. */
export const brokeringLock = (r: Root, productStoreId: string) =>
  new LeaseLock(r.dynamo, r.tables.control, `brokering#${productStoreId}`);

export function rejectionImportDeps(r: Root): RejectionImportDeps {
  const brokering = brokeringStore(r);
  return {
    orders: orderRuntime(r).orders,
    service: orderRuntime(r).service,
    brokering,
    sync: syncStore(r),
    facilities: listFacilities(r),
    lastRow: brokering.feedLastRow('rejected-item-import'),
  };
}
