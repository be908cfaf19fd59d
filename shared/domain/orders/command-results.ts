/** What the order commands return (and record in their event, so that a replay returns it). */
import type { Buckets, StatusCode } from '../lifecycle/status.ts';
import type { EventStep } from '../lifecycle/events.ts';

export interface MoveResult {
  readonly outcome: 'moved' | 'held';
  readonly orderId: string;
  readonly lineSeq: string;
  readonly from: StatusCode;
  readonly to: StatusCode;
  readonly quantity: number;
  readonly facilityId?: string;
  readonly releaseKey?: string;
  readonly shipmentKey?: string;
  readonly buckets: Buckets;
  readonly holds: readonly string[];
  /** Gates that failed (outcome `held`). */
  readonly failures?: ReadonlyArray<{ code: string; reason?: string }>;
  readonly lineVersion: number;
  /** True when the idempotency key had been applied before and nothing changed now. */
  readonly replayed: boolean;
}

export interface OrderCommandResult {
  readonly orderId: string;
  readonly lines: ReadonlyArray<{ lineSeq: string; holds: string[]; lineVersion: number }>;
  readonly approved?: boolean;
  readonly replayed: boolean;
}

export interface ReflectResult {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly facilityId: string;
  /** Units that stopped counting against the facility's availability. */
  readonly drop: number;
  /** Units of the line still counted there. */
  readonly counted: number;
  readonly replayed: boolean;
}

export interface StepsResult {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly steps: readonly EventStep[];
  readonly buckets: Buckets;
  readonly holds: readonly string[];
  readonly lineVersion: number;
  readonly replayed: boolean;
  /** What a person should know (reservations moved, holds overridden). */
  readonly notes: readonly string[];
}

export interface MoveLinesResult {
  readonly orderId: string;
  readonly lines: ReadonlyArray<{
    readonly lineSeq: string;
    readonly buckets: Buckets;
    readonly lineVersion: number;
  }>;
  readonly steps: readonly EventStep[];
  readonly replayed: boolean;
}

export interface PackResult {
  readonly orderId: string;
  readonly lineSeq: string;
  readonly shipmentKey: string;
  readonly packedAt: string;
  readonly packages?: number;
  readonly lineVersion: number;
  readonly replayed: boolean;
}
