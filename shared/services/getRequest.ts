import type { AccessRequest } from '../domain/accessRequest.js';
import type { Caller } from '../domain/caller.js';
import { UpstreamError } from '../domain/errors.js';
import { fingerprintOf } from '../domain/linkLease.js';
import { parseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';
import { getLease } from './linkLeases.js';
import { relationTo } from './requestAccess.js';
import { getRequestOrThrow } from './updateRequest.js';

/** A request as one caller may see it; `link` only for its requester while the grant is live. */
export interface RequestForCaller {
  readonly request: AccessRequest;
  readonly link?: string;
}

/** How long a read of the link may wait on Bastion before the caller is told to retry. */
export const linkReadTimeoutInMs = 10_000;

/**
 * Reads a request for its requester, its approvers (live directory), auditors and admins; to
 * anyone else it does not exist. The link is read from Azure on demand, never from storage, and
 * handed out only inside the window, to a current holder of the VM's link, and only if it is the
 * very link the broker last issued for that VM (same fingerprint).
 */
export async function getRequest(
  context: BrokerContext,
  caller: Caller,
  requestId: string,
): Promise<RequestForCaller> {
  const { value: request } = await getRequestOrThrow(context.requests, requestId);
  const relation = await relationTo(context, caller, request);
  if (!relation.isRequester || !isWithinWindow(request, context.clock.now()) || !request.grant) {
    return { request };
  }

  const vm = parseResourceId(request.vmId, 'virtualMachine');
  const lease = await getLease(context, vm);
  if (lease?.state !== 'held' || !lease.holders.includes(request.id) || !lease.fingerprint) {
    return { request };
  }
  const bastion = parseResourceId(request.grant.bastionHostId, 'bastionHost');
  const link = await withTimeout(context.links.getLink(bastion, vm));
  return link && fingerprintOf(link.url) === lease.fingerprint
    ? { request, link: link.url }
    : { request };
}

function isWithinWindow(request: AccessRequest, now: Date): boolean {
  return (
    request.status === 'active' &&
    request.revocation === undefined &&
    request.expiresAt !== undefined &&
    now < new Date(request.expiresAt)
  );
}

async function withTimeout<T>(pending: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UpstreamError('arm', 'Azure Bastion did not answer in time; try again shortly.', {
            retryAfterInMs: 5_000,
          }),
        ),
      linkReadTimeoutInMs,
    );
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
