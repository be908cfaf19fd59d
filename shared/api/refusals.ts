/** The two refusals of the authorization guard, answered 401 and 403 by the API. */
import { RequestError } from '../domain/input/request-error.ts';

/** No valid token (none, expired, not verifiable): answered 401, the page signs in again. */
export class Unauthorized extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unauthorized';
  }
}

/** Signed in, but not allowed this route or this store (`shared/auth/`): answered 403. */
export class Forbidden extends RequestError {
  declare readonly code: 'FORBIDDEN' | 'WRONG_STORE';

  constructor(code: 'FORBIDDEN' | 'WRONG_STORE', message: string) {
    super(code, 403, message);
  }
}
