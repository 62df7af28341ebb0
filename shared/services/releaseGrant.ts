import type { AccessRequest } from '../domain/accessRequest.js';
import { parseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';
import { leaveLease } from './linkLeases.js';
import { removeLink } from './removeLink.js';

/**
 * Lets go of whatever a request holds in Azure: it leaves the VM's link lease and, if it was the
 * last holder, deletes the link and disconnects the VM's sessions. Idempotent.
 */
export async function releaseGrant(context: BrokerContext, request: AccessRequest): Promise<void> {
  if (!request.grant) {
    return;
  }
  const vm = parseResourceId(request.vmId, 'virtualMachine');
  const bastion = parseResourceId(request.grant.bastionHostId, 'bastionHost');
  if ((await leaveLease(context, vm, request.id)) === 'delete') {
    await removeLink(context, bastion, vm, request.id);
  }
}
