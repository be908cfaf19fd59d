import { RequestError } from '../input/request-error.ts';

/** Why a pre-order request was refused; each code maps to an HTTP status. */
export const PREORDER_ERRORS = {
  INVALID_REQUEST: 400,
  UNKNOWN_PO: 404,
  UNKNOWN_PO_LINE: 404,
  /** The PO line is cancelled or closed: nothing more can be allocated to it. */
  PO_NOT_OPEN: 409,
  /** The PO line's ATP does not cover what was asked. */
  BEYOND_ATP: 409,
  /** The order line is not a pre-order line. */
  NOT_PREORDER: 409,
  /** The order line is of another SKU than the PO line. */
  WRONG_SKU: 409,
  /** The order line has no unallocated quantity (or not as much as asked). */
  NOTHING_TO_ALLOCATE: 409,
  /** The order line is not allocated to this PO line. */
  NOT_ALLOCATED: 409,
} as const;

export type PreorderErrorCode = keyof typeof PREORDER_ERRORS;

export class PreorderError extends RequestError {
  declare readonly code: PreorderErrorCode;

  constructor(
    code: PreorderErrorCode,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, PREORDER_ERRORS[code], message, details);
  }
}
