/** One field that failed validation, as reported to the caller. */
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `body.duration`. */
  readonly field: string;
  /** Why the value was rejected. */
  readonly message: string;
}

/** Base of every error the broker raises on purpose: a stable code and the HTTP status it means. */
export class BrokerError extends Error {
  constructor(
    /** Stable, machine-readable code (kebab-case). */
    readonly code: string,
    /** HTTP status the error maps to. */
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input is malformed or out of bounds. */
export class ValidationError extends BrokerError {
  constructor(
    message: string,
    readonly fields: readonly FieldProblem[] = [],
    code = 'validation-failed',
  ) {
    super(code, 400, message);
  }
}

/** The caller is not authenticated (missing, malformed or rejected token). */
export class AuthenticationError extends BrokerError {
  constructor(message: string, code = 'unauthenticated') {
    super(code, 401, message);
  }
}

/** The caller is authenticated but may not do this. */
export class AccessDeniedError extends BrokerError {
  constructor(message: string, code = 'access-denied') {
    super(code, 403, message);
  }
}

/** The thing asked for does not exist, or the caller may not know that it does. */
export class NotFoundError extends BrokerError {
  constructor(message: string, code = 'not-found') {
    super(code, 404, message);
  }
}

/** The request conflicts with the current state of the resource. */
export class ConflictError extends BrokerError {
  constructor(message: string, code = 'conflict') {
    super(code, 409, message);
  }
}

/** The access policy does not allow what was asked. */
export class PolicyViolationError extends BrokerError {
  constructor(message: string, code = 'policy-violation') {
    super(code, 403, message);
  }
}

/** A dependency (Azure, Graph, Cosmos DB) failed or was unreachable; no upstream payload kept. */
export class UpstreamError extends BrokerError {
  constructor(
    /** Which dependency failed, e.g. `arm`, `graph`, `cosmos`, `storage`. */
    readonly dependency: string,
    message: string,
    options: { cause?: unknown; retryAfterInMs?: number; upstreamStatus?: number } = {},
  ) {
    super('upstream-unavailable', 503, message, { cause: options.cause });
    this.retryAfterInMs = options.retryAfterInMs;
    this.upstreamStatus = options.upstreamStatus;
  }

  /** How long the dependency asked us to wait before trying again, when it said. */
  readonly retryAfterInMs: number | undefined;

  /** HTTP status the dependency answered with, when it answered. */
  readonly upstreamStatus: number | undefined;
}

/** Turns anything caught into an Error, so callers never handle `unknown`. */
export function ensureError(caught: unknown): Error {
  if (caught instanceof Error) {
    return caught;
  }
  return new Error(typeof caught === 'string' ? caught : 'Non-error value thrown');
}
