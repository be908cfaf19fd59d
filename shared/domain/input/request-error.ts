/**
 * The one error family for a refused request: a stable code, the HTTP status it is answered with,
 * a sentence saying why, and details (for input, the `field`). Order commands (`CommandError`),
 * pre-order actions (`PreorderError`) and the API's own refusals (bad JSON, too large, no access)
 * all extend it, so the API answers and the CLI prints every refusal the same way (`errorBody`).
 */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** What the API answers and `oms … --json` prints for a refusal: `{ error, message, …details }`. */
export const errorBody = (err: RequestError): Record<string, unknown> => ({
  error: err.code,
  message: err.message,
  ...err.details,
});
