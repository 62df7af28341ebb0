import { ValidationError } from '../../domain/errors.js';

/** Throws a ValidationError unless a page size is a whole number from 1 to 100. */
export function verifyPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new ValidationError('The page size must be a whole number from 1 to 100.', [
      { field: 'query.limit', message: 'must be 1–100' },
    ]);
  }
}

/** An opaque continuation token: base64url of the JSON of `position`. */
export function encodePageToken(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** The JSON inside a continuation token; throws `invalid-continuation-token` if there is none. */
export function decodePageToken(token: string): unknown {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{1,12000}$/.test(token)) {
    throw invalidToken('it is not base64url text of a sensible length');
  }
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken('it does not decode');
  }
}

/** A ValidationError with code `invalid-continuation-token`. */
export function invalidToken(reason: string): ValidationError {
  return new ValidationError(
    `The continuation token is not valid: ${reason}.`,
    [{ field: 'query.continuationToken', message: reason }],
    'invalid-continuation-token',
  );
}
