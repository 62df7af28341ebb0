import type { AccessRequest } from '../domain/accessRequest.js';
import { isFinal } from '../domain/accessRequest.js';
import type { RequestId } from '../domain/ids.js';
import type { LinkLease } from '../domain/linkLease.js';
import { parseResourceId } from '../domain/resourceId.js';
import { isPastWindow } from '../domain/requestTransitions.js';
import type { BrokerContext } from './brokerContext.js';
import { getLease, LinkBusyError, leaveLease } from './linkLeases.js';
import { removeLink } from './removeLink.js';

/**
 * Takes away whatever a request holds in Azure: it leaves the VM's link lease, and the link is
 * deleted with the VM's sessions (and made anew for any other grant on the VM). Holders whose
 * grants are over too leave in the same removal, so grants ending together rotate the link once.
 * Idempotent.
 */
export async function releaseGrant(context: BrokerContext, request: AccessRequest): Promise<void> {
  if (!request.grant) {
    return;
  }
  const vm = parseResourceId(request.vmId, 'virtualMachine');
  const bastion = parseResourceId(request.grant.bastionHostId, 'bastionHost');
  const lease = await getLease(context, vm);
  const alsoLeaving = lease ? await departedHolders(context, lease, request.id) : [];
  const removal = await leaveLease(context, vm, request.id, alsoLeaving);
  // A removal taken over by another worker is not confirmed yet: the caller must try again.
  if (removal && !(await removeLink(context, bastion, vm, removal, request.id))) {
    throw new LinkBusyError();
  }
}

/** The other holders whose grants are over: ended, asked to end, or past their window. */
export async function departedHolders(
  context: BrokerContext,
  lease: LinkLease,
  except?: RequestId,
): Promise<RequestId[]> {
  const now = context.clock.now();
  const departed: RequestId[] = [];
  for (const holder of lease.holders) {
    if (holder === except) {
      continue;
    }
    const found = (await context.requests.get(holder))?.value;
    const over =
      !found ||
      isFinal(found) ||
      (found.status === 'active' && (found.revocation !== undefined || isPastWindow(found, now)));
    if (over) {
      departed.push(holder);
    }
  }
  return departed;
}
