import { GraphError } from '@microsoft/microsoft-graph-client';
import { UpstreamError } from '../../domain/errors.js';
import { retryAfterInMsOf } from '../arm/armFailure.js';

/** Whether Graph said the user (or other object asked for) does not exist. */
export function isResourceNotFound(caught: unknown): boolean {
  return (
    caught instanceof GraphError &&
    caught.statusCode === 404 &&
    caught.code === 'Request_ResourceNotFound'
  );
}

/** Wraps whatever a Graph call threw in an UpstreamError, without Graph's payload. */
export function toGraphUpstreamError(action: string, caught: unknown): UpstreamError {
  if (caught instanceof UpstreamError) {
    return caught;
  }
  if (!(caught instanceof GraphError) || caught.statusCode <= 0) {
    return new UpstreamError('graph', `Microsoft Graph failed to ${action}.`, { cause: caught });
  }
  const headers = caught.headers;
  return new UpstreamError(
    'graph',
    `Microsoft Graph answered HTTP ${caught.statusCode} when asked to ${action}.`,
    {
      cause: caught,
      upstreamStatus: caught.statusCode,
      retryAfterInMs: retryAfterInMsOf(
        headers ? (name) => headers.get(name) ?? undefined : undefined,
      ),
    },
  );
}
