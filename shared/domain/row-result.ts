/** The outcome of checking one input row: a typed row, or the field at fault and why. */
export type RowResult<T> =
  | { readonly ok: true; readonly row: T }
  | { readonly ok: false; readonly field: string; readonly reason: string };

export const accept = <T>(row: T): RowResult<T> => ({ ok: true, row });
export const reject = <T = never>(field: string, reason: string): RowResult<T> => ({
  ok: false,
  field,
  reason,
});

/** A whole, non-negative quantity as NetSuite writes it (`12`, `12.0`); undefined otherwise. */
export function parseQuantity(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+(\.0+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A whole, signed quantity (`-3`, `+2`, `4.0`); undefined otherwise. */
export function parseSignedQuantity(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?\d+(\.0+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}
