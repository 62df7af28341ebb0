import { UpstreamError } from '../../domain/errors.js';

/** Cosmos DB system properties, never handed to callers. */
const systemProperties = new Set(['_rid', '_self', '_etag', '_attachments', '_ts']);

/** A copy of a stored resource without the Cosmos DB system properties. */
export function withoutSystemProperties<T>(resource: Record<string, unknown>): T {
  const entries = Object.entries(resource).filter(([key]) => !systemProperties.has(key));
  return Object.fromEntries(entries) as T;
}

/** The HTTP status a Cosmos DB SDK error carries, if it got an answer. */
export function cosmosStatusOf(caught: unknown): number | undefined {
  const code = (caught as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Whether a Cosmos DB SDK error is an answer with this HTTP status. */
export function isCosmosStatus(caught: unknown, status: number): boolean {
  return cosmosStatusOf(caught) === status;
}

/**
 * An UpstreamError for a failed Cosmos DB call: the status, sub-status and activity id are kept
 * (to find the call in Azure's diagnostics) but never the response body.
 */
export function toCosmosUpstreamError(caught: unknown, operation: string): UpstreamError {
  const status = cosmosStatusOf(caught);
  const failure = caught as { substatus?: unknown; activityId?: unknown; retryAfterInMs?: unknown };
  const retryAfterInMs =
    typeof failure?.retryAfterInMs === 'number' && failure.retryAfterInMs > 0
      ? failure.retryAfterInMs
      : undefined;
  const answer = status === undefined ? 'no answer' : `status ${status}`;
  const substatus = typeof failure?.substatus === 'number' ? `/${failure.substatus}` : '';
  const activity =
    typeof failure?.activityId === 'string' ? `, activity ${failure.activityId}` : '';

  const cause = new Error(`Cosmos DB ${answer}${substatus}${activity}`);
  const busy = status === 429 ? ' because it is busy; try again later' : '';
  return new UpstreamError('cosmos', `Cosmos DB could not ${operation}${busy} (${answer}).`, {
    cause,
    retryAfterInMs,
    upstreamStatus: status,
  });
}
