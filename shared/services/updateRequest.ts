import type { AccessRequest } from '../domain/accessRequest.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { DocumentStore, Versioned } from './ports/documentStore.js';

/** The outcome of a conditional update: the request before and after, and whether it changed. */
export interface RequestUpdate {
  readonly before: AccessRequest;
  readonly after: AccessRequest;
  readonly changed: boolean;
}

/** Decides the next version of a request from the current one; `undefined` means leave it. */
export type RequestDecision = (current: AccessRequest) => AccessRequest | undefined;

const maxAttempts = 8;

/**
 * Applies a decision as one conditional write on the request's ETag. When another writer got
 * there first, the request is read again and the decision made again on what is now stored:
 * never a blind replay of a stale write.
 */
export async function updateRequest(
  requests: DocumentStore<AccessRequest>,
  id: string,
  decide: RequestDecision,
): Promise<RequestUpdate> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const current = await getRequestOrThrow(requests, id);
    const next = decide(current.value);
    if (next === undefined || next === current.value) {
      return { before: current.value, after: current.value, changed: false };
    }
    const written = await requests.tryReplace(next, current.etag);
    if (written) {
      return { before: current.value, after: written.value, changed: true };
    }
  }
  throw new ConflictError('The request is changing too often; try again.', 'write-contention');
}

/** Reads a request, or throws NotFoundError. */
export async function getRequestOrThrow(
  requests: DocumentStore<AccessRequest>,
  id: string,
): Promise<Versioned<AccessRequest>> {
  const found = await requests.get(id);
  if (!found) {
    throw new NotFoundError(`There is no request ${id}.`, 'request-not-found');
  }
  return found;
}
