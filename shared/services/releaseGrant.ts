import type { AccessRequest } from '../domain/accessRequest.js';
import { parseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';
import { leaveLease } from './linkLeases.js';
import { removeLink } from './removeLink.js';

/**
 * Takes away whatever a request holds in Azure: it leaves the VM's link lease, and the link is
 * deleted with the VM's sessions (and made anew for any other grant on the VM). Idempotent.
 */
export async function releaseGrant(context: BrokerContext, request: AccessRequest): Promise<void> {
  if (!request.grant) {
    return;
  }
  const vm = parseResourceId(request.vmId, 'virtualMachine');
  const bastion = parseResourceId(request.grant.bastionHostId, 'bastionHost');
  const removal = await leaveLease(context, vm, request.id);
  if (removal) {
    await removeLink(context, bastion, vm, removal, request.id);
  }
}
