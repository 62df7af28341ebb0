import { ConflictError } from '../domain/errors.js';
import type { RequestId } from '../domain/ids.js';
import type { LinkLease, LinkRemoval } from '../domain/linkLease.js';
import { leaseIdOf, newLease } from '../domain/linkLease.js';
import type { BastionHostId, VmResourceId } from '../domain/resourceId.js';
import { formatResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';

/** Who a removal is carried out for when no request left: the sweep's reconciliation. */
export const reconciler = 'reconciler';

/** A removal another worker started is taken over once it is this old. */
export const staleRemovalInMs = 2 * 60_000;
const maxAttempts = 8;

/** Another worker is removing the link of this VM; the caller should try again later. */
export class LinkBusyError extends ConflictError {
  constructor() {
    super('The link of this VM is being replaced; try again shortly.', 'link-being-removed');
  }
}

/** Adds the request to the holders of the VM's link, creating the lease if there is none. */
export async function joinLease(
  context: BrokerContext,
  vm: VmResourceId,
  bastion: BastionHostId,
  requestId: RequestId,
): Promise<void> {
  await changeLease(context, vm, (lease, at) => {
    if (!lease) {
      return newLease(vm, formatResourceId(bastion), requestId, at);
    }
    if (lease.state === 'deleting') {
      throw new LinkBusyError();
    }
    return lease.holders.includes(requestId)
      ? undefined
      : { ...lease, holders: [...lease.holders, requestId], updatedAt: at };
  });
}

/** Records the fingerprint of the link Bastion gave a holder; throws LinkBusyError if it lost it. */
export async function recordLinkFingerprint(
  context: BrokerContext,
  vm: VmResourceId,
  requestId: RequestId,
  fingerprint: string,
): Promise<void> {
  await changeLease(context, vm, (lease, at) => {
    if (!lease || lease.state !== 'held' || !lease.holders.includes(requestId)) {
      throw new LinkBusyError();
    }
    return lease.fingerprint === fingerprint ? undefined : { ...lease, fingerprint, updatedAt: at };
  });
}

/**
 * Takes `leaver` (a request, or the reconciler) off the VM's link and makes it the owner of the
 * link's removal: returns the removal to carry out, or undefined if the leaver held nothing.
 * A removal the same leaver began earlier is resumed; another's is taken over only once stale,
 * and otherwise raises LinkBusyError.
 */
export async function leaveLease(
  context: BrokerContext,
  vm: VmResourceId,
  leaver: string,
): Promise<LinkRemoval | undefined> {
  let removal: LinkRemoval | undefined;
  await changeLease(context, vm, (lease, at, now) => {
    removal = undefined;
    if (!lease) {
      return undefined;
    }
    if (lease.state === 'deleting' && lease.removal) {
      if (lease.removal.by === leaver) {
        removal = lease.removal;
        return undefined;
      }
      if (now.getTime() - new Date(lease.removal.startedAt).getTime() < staleRemovalInMs) {
        throw new LinkBusyError();
      }
    } else if (!lease.holders.includes(leaver as RequestId)) {
      return undefined;
    }
    removal = { by: leaver, id: context.ids.newId(), startedAt: at };
    const holders = lease.holders.filter((holder) => holder !== leaver);
    return { ...lease, holders, state: 'deleting', removal, updatedAt: at };
  });
  return removal;
}

/** Claims a link no lease accounts for, for removal by the reconciler; undefined if now leased. */
export async function claimOrphan(
  context: BrokerContext,
  vm: VmResourceId,
  bastion: BastionHostId,
): Promise<LinkRemoval | undefined> {
  const at = context.clock.now().toISOString();
  const removal = { by: reconciler, id: context.ids.newId(), startedAt: at };
  const lease: LinkLease = {
    ...newLease(vm, formatResourceId(bastion), '' as RequestId, at),
    holders: [],
    state: 'deleting',
    removal,
  };
  return (await context.leases.tryCreate(lease)) ? removal : undefined;
}

/**
 * Ends a removal once Azure confirmed the old link gone: drops the lease if nobody holds it,
 * else hands the remaining holders `fingerprint`, the fingerprint of their new link. Returns
 * false if the removal is no longer the caller's (taken over meanwhile).
 */
export async function finishRemoval(
  context: BrokerContext,
  vm: VmResourceId,
  removal: LinkRemoval,
  fingerprint: string | undefined,
): Promise<boolean> {
  const current = await context.leases.get(leaseIdOf(vm));
  if (!current || current.value.state !== 'deleting' || current.value.removal?.id !== removal.id) {
    return false;
  }
  if (current.value.holders.length === 0) {
    return context.leases.tryDelete(current.value.id, current.etag);
  }
  const { removal: _finished, ...rest } = current.value;
  const held: LinkLease = {
    ...rest,
    state: 'held',
    ...(fingerprint === undefined ? {} : { fingerprint }),
    updatedAt: context.clock.now().toISOString(),
  };
  return (await context.leases.tryReplace(held, current.etag)) !== undefined;
}

/** The VM's lease, if there is one. */
export async function getLease(
  context: BrokerContext,
  vm: VmResourceId,
): Promise<LinkLease | undefined> {
  return (await context.leases.get(leaseIdOf(vm)))?.value;
}

/** Applies `change` to the VM's lease as a conditional write, re-deciding on every conflict. */
async function changeLease(
  context: BrokerContext,
  vm: VmResourceId,
  change: (lease: LinkLease | undefined, at: string, now: Date) => LinkLease | undefined,
): Promise<void> {
  const id = leaseIdOf(vm);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const now = context.clock.now();
    const current = await context.leases.get(id);
    const next = change(current?.value, now.toISOString(), now);
    if (!next) {
      return;
    }
    const written = current
      ? await context.leases.tryReplace(next, current.etag)
      : await context.leases.tryCreate(next);
    if (written) {
      return;
    }
  }
  throw new ConflictError('The link lease is changing too often; try again.', 'write-contention');
}
