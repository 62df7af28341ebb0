import type { FieldProblem } from '../domain/errors.js';
import { BrokerError, UpstreamError, ValidationError } from '../domain/errors.js';

/** An RFC 9457 problem document with the broker's stable `code`. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly instance?: string;
  readonly errors?: readonly FieldProblem[];
}

/** An HTTP response carrying a problem document. */
export interface ProblemResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Maps anything thrown to a problem response. Only BrokerErrors speak; everything else becomes
 * a bare 500 with no detail, so no stack trace or upstream payload ever reaches a caller.
 */
export function toProblemResponse(caught: unknown, instance?: string): ProblemResponse {
  const error =
    caught instanceof BrokerError
      ? caught
      : new BrokerError('internal-error', 500, 'The broker failed unexpectedly.');
  const problem: Problem = {
    type: `urn:bastion-jit:problem:${error.code}`,
    title: titles[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(instance === undefined ? {} : { instance }),
    ...(error instanceof ValidationError && error.fields.length > 0
      ? { errors: error.fields }
      : {}),
  };
  const headers: Record<string, string> = {
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (error.status === 401) {
    headers['www-authenticate'] = 'Bearer';
  }
  if (error instanceof UpstreamError) {
    headers['retry-after'] = String(Math.max(1, Math.ceil((error.retryAfterInMs ?? 5_000) / 1000)));
  }
  return { status: error.status, headers, body: JSON.stringify(problem) };
}
