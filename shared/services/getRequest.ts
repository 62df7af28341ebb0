import type { AccessRequest } from '../domain/accessRequest.js';
import type { Caller } from '../domain/caller.js';
import { fingerprintOf } from '../domain/linkLease.js';
import { parseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';
import { relationTo } from './requestAccess.js';
import { getRequestOrThrow } from './updateRequest.js';

/** A request as one caller may see it; `link` only for its requester while the grant is live. */
export interface RequestForCaller {
  readonly request: AccessRequest;
  readonly link?: string;
}

/**
 * Reads a request for its requester, its approvers (live directory), auditors and admins; to
 * anyone else it does not exist. The link is read from Azure on demand, never from storage, and
 * handed out only if it is the very link this grant was issued (same fingerprint).
 */
export async function getRequest(
  context: BrokerContext,
  caller: Caller,
  requestId: string,
): Promise<RequestForCaller> {
  const { value: request } = await getRequestOrThrow(context.requests, requestId);
  await relationTo(context, caller, request);
  if (!isLinkVisibleTo(caller, request)) {
    return { request };
  }
  const link = await context.links.getLink(
    parseResourceId(request.grant?.bastionHostId ?? '', 'bastionHost'),
    parseResourceId(request.vmId, 'virtualMachine'),
  );
  if (!link || fingerprintOf(link.url) !== request.grant?.linkFingerprint) {
    return { request };
  }
  return { request, link: link.url };
}

function isLinkVisibleTo(caller: Caller, request: AccessRequest): boolean {
  return (
    request.requesterId === caller.id &&
    request.status === 'active' &&
    request.revocation === undefined &&
    request.grant?.linkFingerprint !== undefined
  );
}
