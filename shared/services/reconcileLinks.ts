import type { RequestId } from '../domain/ids.js';
import type { LinkLease } from '../domain/linkLease.js';
import { leaseIdOf } from '../domain/linkLease.js';
import { bastionHostsOf } from '../domain/policy.js';
import type { BastionHostId } from '../domain/resourceId.js';
import { parseResourceId, tryParseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';
import { claimOrphan, LinkBusyError, leaveLease, reconciler } from './linkLeases.js';
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
  const leavers: string[] =
    lease.state === 'deleting' ? [reconciler] : await deadHolders(context, lease);
  let removed = 0;
  for (const leaver of leavers) {
    try {
      const removal = await leaveLease(context, vm, leaver);
      if (removal) {
        const requestId = leaver === reconciler ? undefined : leaver;
        await removeLink(context, bastion, vm, removal, requestId);
        await auditOrphan(context, lease.vmId, requestId);
        removed++;
      }
    } catch (caught) {
      if (!(caught instanceof LinkBusyError)) {
        throw caught;
      }
    }
  }
  return removed;
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
    const removal = await claimOrphan(context, vm, bastion);
    if (removal) {
      await removeLink(context, bastion, vm, removal, undefined);
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
    message: `Removed the shareable link of ${vmId} from grants that are no longer live.`,
  });
}
