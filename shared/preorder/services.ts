/** The pre-order services over their stores (the process's root builds them: shared/app/root.ts). */
import { AllocationService, type PreorderDeps } from './allocation-service.ts';
import { SupplyService } from './supply-service.ts';

export interface PreorderRuntime {
  readonly deps: PreorderDeps;
  readonly allocation: AllocationService;
  readonly supply: SupplyService;
}

/** Builds the services over given stores (tests run several at once against one table). */
export function preorderServices(deps: PreorderDeps): PreorderRuntime {
  const allocation = new AllocationService(deps);
  return { deps, allocation, supply: new SupplyService(deps, allocation) };
}

/**
 * Closing POs for being missing from the open-PO files is **off** unless `OMS_PO_ABSENT_HOURS` is
 * set to a number of hours > 0 (then a PO no file listed for that long is closed by the
 * `preorder-release` job). NetSuite exports each PO once, when it is created, so by default a PO
 * closes only on evidence: a re-exported row with quantity 0, or a merchandiser's cancellation.
 * Undefined when off; throws on a value that is not a number of hours.
 */
export function poAbsentHours(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = (env.OMS_PO_ABSENT_HOURS ?? '').trim();
  if (!text || ['off', 'false', 'no', '0'].includes(text.toLowerCase())) return undefined;
  const hours = Number(text);
  if (!Number.isFinite(hours) || hours <= 0) {
    throw new Error(
      `OMS_PO_ABSENT_HOURS must be a number of hours > 0 (or unset: POs are never closed for being absent), not "${text}"`,
    );
  }
  return hours;
}
