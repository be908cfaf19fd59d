/**
 * The order core as one process uses it: stores on the configured tables, the services, and one
 * state cache shared by intake and commands (created once per process, like the SDK clients).
 */
import { dynamo, table } from '../store/dynamo-client.ts';
import { OrderStore } from '../store/order-store.ts';
import { PositionStore } from '../store/position-store.ts';
import { SyncStore } from '../store/sync-store.ts';
import { OrderIntake } from './intake.ts';
import { OrderService } from './order-service.ts';
import { StateCache } from './state-cache.ts';

export interface OrderRuntime {
  readonly orders: OrderStore;
  readonly positions: PositionStore;
  readonly service: OrderService;
  readonly intake: OrderIntake;
  /** The state cache the service and intake share (other services of this process may warm it). */
  readonly cache: StateCache;
}

let runtime: OrderRuntime | undefined;

export function orderRuntime(): OrderRuntime {
  if (!runtime) {
    const orders = new OrderStore(dynamo(), table('orders'));
    const positions = new PositionStore(dynamo(), table('inventory'));
    const cache = new StateCache();
    runtime = {
      cache,
      orders,
      positions,
      service: new OrderService({ orders, positions, cache }),
      intake: new OrderIntake(orders, { cache, sync: new SyncStore(dynamo(), table('control')) }),
    };
  }
  return runtime;
}
