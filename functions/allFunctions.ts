import { approveRequestFunction } from './approveRequest.js';
import { cancelRequestFunction } from './cancelRequest.js';
import { createRequestFunction } from './createRequest.js';
import { denyRequestFunction } from './denyRequest.js';
import type { FunctionDefinition } from './functionDefinition.js';
import { getRequestFunction } from './getRequest.js';
import { healthFunction } from './health.js';
import { issueGrantFunction } from './issueGrant.js';
import { listRequestsFunction } from './listRequests.js';
import { openApiFunction } from './openApi.js';
import { queryAuditFunction } from './queryAudit.js';
import { revokeGrantFunction } from './revokeGrant.js';
import { revokeRequestFunction } from './revokeRequest.js';
import { sweepFunction } from './sweep.js';

/** Every function of the app, in the order they are registered. */
export const allFunctions: readonly FunctionDefinition[] = [
  createRequestFunction,
  listRequestsFunction,
  getRequestFunction,
  approveRequestFunction,
  denyRequestFunction,
  cancelRequestFunction,
  revokeRequestFunction,
  queryAuditFunction,
  healthFunction,
  openApiFunction,
  issueGrantFunction,
  revokeGrantFunction,
  sweepFunction,
];
