import type { RequestId } from '../domain/ids.js';
import type { LinkLease } from '../domain/linkLease.js';
import { leaseIdOf } from '../domain/linkLease.js';
import { bastionHostsOf } from '../domain/policy.js';
import type { BastionHostId } from '../domain/resourceId.js';
import { parseResourceId, tryParseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';
import { claimOrphan, LinkBusyError, leaveLease } from './linkLeases.js';
import { queryAll } from './queryAll.js';
import { removeLink } from './removeLink.js';

const liveStatuses = new Set(['approved', 'active']);

/**
 * Makes Azure agree with the broker's records: holders whose request is no longer live are let
 * go, abandoned deletions are finished, and every link on a governed Bastion host that no lease
 * accounts for is deleted. Returns how many links it deleted.
 */
export async function reconcileLinks(context: BrokerContext): Promise<number> {
  let removed = 0;
  const leases = await queryAll(context.leases, { text: 'SELECT * FROM c' });
  for (const lease of leases) {
    removed += await settleLease(context, lease);
  }
  for (const bastion of bastionHostsOf(context.policy)) {
    removed += await removeUnleasedLinks(context, bastion);
  }
  return removed;
}

async function settleLease(context: BrokerContext, lease: LinkLease): Promise<number> {
  const vm = parseResourceId(lease.vmId, 'virtualMachine');
  const bastion = parseResourceId(lease.bastionHostId, 'bastionHost');
  const departed = lease.state === 'deleting' ? [undefined] : await deadHolders(context, lease);
  for (const holder of departed) {
    try {
      if ((await leaveLease(context, vm, holder)) === 'delete') {
        await removeLink(context, bastion, vm, holder);
        await auditOrphan(context, lease.vmId, holder);
        return 1;
      }
    } catch (caught) {
      if (!(caught instanceof LinkBusyError)) {
        throw caught;
      }
    }
  }
  return 0;
}

async function deadHolders(context: BrokerContext, lease: LinkLease): Promise<RequestId[]> {
  const dead: RequestId[] = [];
  for (const holder of lease.holders) {
    const request = await context.requests.get(holder);
    if (!request || !liveStatuses.has(request.value.status)) {
      dead.push(holder);
    }
  }
  return dead;
}

async function removeUnleasedLinks(
  context: BrokerContext,
  bastion: BastionHostId,
): Promise<number> {
  let removed = 0;
  for (const link of await context.links.listLinks(bastion)) {
    const vm = tryParseResourceId(link.vmId, 'virtualMachine');
    if (!vm || (await context.leases.get(leaseIdOf(vm)))) {
      continue;
    }
    if (await claimOrphan(context, vm, bastion)) {
      await removeLink(context, bastion, vm, undefined);
      await auditOrphan(context, link.vmId, undefined);
      removed++;
    }
  }
  return removed;
}

async function auditOrphan(
  context: BrokerContext,
  vmId: string,
  requestId: string | undefined,
): Promise<void> {
  await context.audit.append({
    action: 'grant.orphanRemoved',
    actorId: 'system',
    vmId,
    ...(requestId === undefined ? {} : { requestId }),
    message: `Removed the shareable link of ${vmId}, which no live grant owned.`,
  });
}
