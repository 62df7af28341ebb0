import { ConflictError } from '../domain/errors.js';
import type { RequestId } from '../domain/ids.js';
import type { LinkLease } from '../domain/linkLease.js';
import { leaseIdOf, newLease } from '../domain/linkLease.js';
import type { BastionHostId, VmResourceId } from '../domain/resourceId.js';
import { formatResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';

/** What letting go of a lease leaves the caller to do. */
export type LeaveOutcome =
  /** Other grants still use the link, or the caller held none: Azure is left alone. */
  | 'kept'
  /** The caller was the last holder and now owns the link's deletion. */
  | 'delete';

/** A lease that is being deleted by someone else for longer than this is taken over. */
export const staleDeletionInMs = 2 * 60_000;
const maxAttempts = 8;

/** Another worker is deleting the VM's link; the caller should try again later. */
export class LinkBusyError extends ConflictError {
  constructor() {
    super('The link of this VM is being removed; try again shortly.', 'link-being-removed');
  }
}

/** Adds the request to the holders of the VM's link, creating the lease if there is none. */
export async function joinLease(
  context: BrokerContext,
  vm: VmResourceId,
  bastion: BastionHostId,
  requestId: RequestId,
): Promise<void> {
  const id = leaseIdOf(vm);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const at = context.clock.now().toISOString();
    const current = await context.leases.get(id);
    if (!current) {
      const lease = newLease(vm, formatResourceId(bastion), requestId, at);
      if (await context.leases.tryCreate(lease)) {
        return;
      }
      continue;
    }
    if (current.value.state === 'deleting') {
      throw new LinkBusyError();
    }
    if (current.value.holders.includes(requestId)) {
      return;
    }
    const holders = [...current.value.holders, requestId];
    if (
      await context.leases.tryReplace({ ...current.value, holders, updatedAt: at }, current.etag)
    ) {
      return;
    }
  }
  throw new ConflictError('The link lease is changing too often; try again.', 'write-contention');
}

/**
 * Removes the request from the holders of the VM's link. The last holder to leave marks the lease
 * `deleting` and must delete the link; others leave Azure alone. A deletion abandoned for longer
 * than {@link staleDeletionInMs} is taken over; one in progress elsewhere raises LinkBusyError.
 */
export async function leaveLease(
  context: BrokerContext,
  vm: VmResourceId,
  requestId: RequestId | undefined,
): Promise<LeaveOutcome> {
  const id = leaseIdOf(vm);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const now = context.clock.now();
    const current = await context.leases.get(id);
    if (!current) {
      return 'kept';
    }
    const lease = current.value;
    if (lease.state === 'deleting') {
      if (now.getTime() - new Date(lease.updatedAt).getTime() < staleDeletionInMs) {
        throw new LinkBusyError();
      }
    } else if (requestId === undefined || !lease.holders.includes(requestId)) {
      return 'kept';
    }

    const holders = lease.holders.filter((holder) => holder !== requestId);
    const next: LinkLease =
      holders.length > 0
        ? { ...lease, holders, updatedAt: now.toISOString() }
        : { ...lease, holders: [], state: 'deleting', updatedAt: now.toISOString() };
    if (await context.leases.tryReplace(next, current.etag)) {
      return next.state === 'deleting' ? 'delete' : 'kept';
    }
  }
  throw new ConflictError('The link lease is changing too often; try again.', 'write-contention');
}

/** Claims an unleased link for deletion; false if someone leased the VM meanwhile. */
export async function claimOrphan(
  context: BrokerContext,
  vm: VmResourceId,
  bastion: BastionHostId,
): Promise<boolean> {
  const at = context.clock.now().toISOString();
  const lease: LinkLease = {
    ...newLease(vm, formatResourceId(bastion), '' as RequestId, at),
    holders: [],
    state: 'deleting',
  };
  return (await context.leases.tryCreate(lease)) !== undefined;
}

/** Drops the lease once its link is confirmed gone, unless someone changed it meanwhile. */
export async function finishDeletion(context: BrokerContext, vm: VmResourceId): Promise<void> {
  const current = await context.leases.get(leaseIdOf(vm));
  if (current && current.value.state === 'deleting' && current.value.holders.length === 0) {
    await context.leases.tryDelete(current.value.id, current.etag);
  }
}
