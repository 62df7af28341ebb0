import type { AccessRequest } from '../domain/accessRequest.js';
import type { Caller } from '../domain/caller.js';
import { appRoles, hasRole } from '../domain/caller.js';
import { NotFoundError } from '../domain/errors.js';
import type { BrokerContext } from './brokerContext.js';

/** How a caller stands to one request, from the token's roles and the live directory. */
export interface RequestRelation {
  readonly isRequester: boolean;
  /** In one of the request's approver groups now (never true for the requester). */
  readonly isApprover: boolean;
  readonly isAuditor: boolean;
  readonly isAdmin: boolean;
}

/**
 * Works out how the caller stands to the request, and throws NotFoundError if the caller may not
 * even know it exists: to outsiders, every request looks like one that was never filed.
 */
export async function relationTo(
  context: BrokerContext,
  caller: Caller,
  request: AccessRequest,
): Promise<RequestRelation> {
  const isRequester = request.requesterId === caller.id;
  const isApprover =
    !isRequester &&
    (await context.directory.checkMemberGroups(caller.id, request.approverGroupIds)).length > 0;
  const relation = {
    isRequester,
    isApprover,
    isAuditor: hasRole(caller, appRoles.auditReader),
    isAdmin: hasRole(caller, appRoles.admin),
  };
  if (!Object.values(relation).some(Boolean)) {
    throw new NotFoundError(`There is no request ${request.id}.`, 'request-not-found');
  }
  return relation;
}
