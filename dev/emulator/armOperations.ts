import { estate } from '../seed.js';
import { armError } from './armErrors.js';
import { apiVersionOf, bastionHostPath } from './armRequests.js';
import type { EmulatorContext } from './context.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { json } from './http.js';
import type { PollingUrlFor } from './longRunningOperations.js';
import type { NextLinkFor } from './paging.js';
import type { Route } from './router.js';
import { pathPattern } from './router.js';

const locationPath =
  '/subscriptions/{subscriptionId}/providers/Microsoft.Network/locations/{location}';

/** Routes that serve polls of long-running operations and the pages behind `nextLink`. */
export function armOperationRoutes(context: EmulatorContext): Route[] {
  const poll = (request: EmulatorRequest): EmulatorResponse =>
    context.operations.poll(request.params.operationId ?? '') ?? operationNotFound();
  return [
    {
      method: 'GET',
      pattern: pathPattern(`${locationPath}/operationResults/{operationId}`, 'i'),
      handler: poll,
    },
    {
      method: 'GET',
      pattern: pathPattern(`${locationPath}/operations/{operationId}`, 'i'),
      handler: poll,
    },
    {
      method: 'GET',
      pattern: pathPattern(
        `${bastionHostPath}/getActiveSessions/operationResults/{operationId}`,
        'i',
      ),
      handler: poll,
    },
    {
      method: 'GET',
      pattern: pathPattern(`${locationPath}/pagedResults/{snapshotId}`, 'i'),
      handler: (request) => nextPage(context, request),
    },
  ];
}

/** Polling URLs under the seeded location, as ARM's `Location` for Bastion link operations. */
export function locationPollingUrl(
  context: EmulatorContext,
  request: EmulatorRequest,
): PollingUrlFor {
  return (operationId) =>
    `${context.url()}/subscriptions/${estate.subscriptionId}/providers/Microsoft.Network` +
    `/locations/${estate.location}/operationResults/${operationId}` +
    `?api-version=${apiVersionOf(request)}`;
}

/** Polling URLs under the Bastion host, as ARM's `Location` for getActiveSessions. */
export function sessionsPollingUrl(
  context: EmulatorContext,
  request: EmulatorRequest,
): PollingUrlFor {
  return (operationId) =>
    `${context.url()}${request.url.pathname}/operationResults/${operationId}` +
    `?api-version=${apiVersionOf(request)}`;
}

/** `Azure-AsyncOperation` URLs under the seeded location. */
export function asyncOperationUrl(
  context: EmulatorContext,
  request: EmulatorRequest,
): PollingUrlFor {
  return (operationId) =>
    `${context.url()}/subscriptions/${estate.subscriptionId}/providers/Microsoft.Network` +
    `/locations/${estate.location}/operations/${operationId}` +
    `?api-version=${apiVersionOf(request)}`;
}

/** `nextLink`s that lead to the rest of a paged answer. */
export function nextLinks(context: EmulatorContext, request: EmulatorRequest): NextLinkFor {
  return (snapshotId, offset) =>
    `${context.url()}/subscriptions/${estate.subscriptionId}/providers/Microsoft.Network` +
    `/locations/${estate.location}/pagedResults/${snapshotId}` +
    `?api-version=${apiVersionOf(request)}&$skiptoken=${offset}`;
}

function nextPage(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const offset = Number(request.url.searchParams.get('$skiptoken'));
  const page = context.pages.page(
    request.params.snapshotId ?? '',
    offset,
    nextLinks(context, request),
  );
  return page ? json(200, page) : armError(404, 'NotFound', 'The page asked for does not exist.');
}

function operationNotFound(): EmulatorResponse {
  return armError(404, 'OperationNotFound', 'The operation asked for does not exist.');
}
