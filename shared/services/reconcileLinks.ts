import type { LinkLease, LinkRemoval } from '../domain/linkLease.js';
import { fingerprintOf, leaseIdOf } from '../domain/linkLease.js';
import { bastionHostsOf } from '../domain/policy.js';
import type { BastionHostId, VmResourceId } from '../domain/resourceId.js';
import { formatResourceId, parseResourceId, tryParseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';
import { claimOrphan, LinkBusyError, leaveLease, reconciler, startRepair } from './linkLeases.js';
import { departedHolders } from './releaseGrant.js';
import { queryAll } from './queryAll.js';
import { removeLink } from './removeLink.js';

/** A held lease left alone this long is checked against the link Azure really has. */
const settledLeaseInMs = 60_000;

/**
 * Makes Azure agree with the broker's records: holders whose grants are over are let go (with the
 * link and its sessions), abandoned removals are finished, links that differ from what a lease
 * records are replaced, and every link on a governed Bastion host that no lease accounts for is
 * deleted. Returns how many links it removed.
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
  try {
    if (lease.state === 'deleting') {
      return await carryOut(context, bastion, vm, await leaveLease(context, vm, reconciler));
    }
    const [leaver, ...others] = await departedHolders(context, lease);
    if (leaver) {
      return await carryOut(context, bastion, vm, await leaveLease(context, vm, leaver, others));
    }
    if (await needsRepair(context, lease, bastion, vm)) {
      return await carryOut(context, bastion, vm, await startRepair(context, vm, lease));
    }
  } catch (caught) {
    if (!(caught instanceof LinkBusyError)) {
      throw caught;
    }
  }
  return 0;
}

async function carryOut(
  context: BrokerContext,
  bastion: BastionHostId,
  vm: VmResourceId,
  removal: LinkRemoval | undefined,
): Promise<number> {
  if (!removal) {
    return 0;
  }
  const requestId = removal.by === reconciler ? undefined : removal.by;
  if (!(await removeLink(context, bastion, vm, removal, requestId))) {
    return 0;
  }
  await auditOrphan(context, formatResourceId(vm), requestId);
  return 1;
}

/** Whether a settled lease's holders would be handed no link, or not the one Azure has. */
async function needsRepair(
  context: BrokerContext,
  lease: LinkLease,
  bastion: BastionHostId,
  vm: VmResourceId,
): Promise<boolean> {
  const age = context.clock.now().getTime() - new Date(lease.updatedAt).getTime();
  if (lease.fingerprint === undefined || age < settledLeaseInMs) {
    return false;
  }
  const link = await context.links.getLink(bastion, vm);
  return !link || fingerprintOf(link.url) !== lease.fingerprint;
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
    removed += await carryOut(context, bastion, vm, await claimOrphan(context, vm, bastion));
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
    message: `Replaced or removed the shareable link of ${vmId}, which no live grant owned.`,
  });
}
