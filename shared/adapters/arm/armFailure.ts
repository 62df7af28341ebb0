import { isRestError } from '@azure/core-rest-pipeline';
import { UpstreamError } from '../../domain/errors.js';

/**
 * Wraps whatever an ARM call threw in an UpstreamError that says what the broker was doing and
 * how ARM answered, without any of ARM's payload, URLs or links.
 */
export function toArmUpstreamError(action: string, caught: unknown): UpstreamError {
  if (caught instanceof UpstreamError) {
    return caught;
  }
  if (!isRestError(caught)) {
    return new UpstreamError('arm', `Azure Resource Manager failed to ${action}.`, {
      cause: caught,
    });
  }

  const status = caught.statusCode;
  const code =
    typeof caught.code === 'string' && /^[A-Za-z]{1,64}$/.test(caught.code) ? caught.code : '';
  const answered =
    status === undefined ? 'did not answer' : `answered HTTP ${status}${code ? ` ${code}` : ''}`;
  return new UpstreamError('arm', `Azure Resource Manager ${answered} when asked to ${action}.`, {
    cause: caught,
    upstreamStatus: status,
    retryAfterInMs: retryAfterInMsOf(caught.response?.headers.get.bind(caught.response.headers)),
  });
}

/** The wait an answer asked for, from `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After`. */
export function retryAfterInMsOf(
  header: ((name: string) => string | undefined) | undefined,
  now = Date.now(),
): number | undefined {
  if (!header) {
    return undefined;
  }
  const inMs = Number(header('retry-after-ms') ?? header('x-ms-retry-after-ms'));
  if (Number.isFinite(inMs) && inMs >= 0) {
    return inMs;
  }
  const retryAfter = header('retry-after');
  if (retryAfter === undefined) {
    return undefined;
  }
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const at = Date.parse(retryAfter);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
