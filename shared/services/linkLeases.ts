import { ConflictError } from '../domain/errors.js';
import type { RequestId } from '../domain/ids.js';
import type { LinkLease, LinkRemoval } from '../domain/linkLease.js';
import { leaseIdOf, newLease } from '../domain/linkLease.js';
import type { BastionHostId, VmResourceId } from '../domain/resourceId.js';
import { formatResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';

/** Who a removal is carried out for when no request left: the sweep's reconciliation. */
export const reconciler = 'reconciler';

/** The reconciler takes over a removal another worker started once it is this old. */
export const staleRemovalInMs = 2 * 60_000;
const maxAttempts = 8;

/** Another worker is removing the link of this VM; the caller should try again later. */
export class LinkBusyError extends ConflictError {
  constructor() {
    super('The link of this VM is being replaced; try again shortly.', 'link-being-removed');
  }
}

/**
 * Adds the request to the holders of the VM's link, creating the lease if there is none.
 * Returns the lease generation the caller joined, for {@link recordLinkFingerprint}.
 */
export async function joinLease(
  context: BrokerContext,
  vm: VmResourceId,
  bastion: BastionHostId,
  requestId: RequestId,
): Promise<number> {
  let generation = 0;
  await changeLease(context, vm, (lease, at) => {
    if (!lease) {
      generation = 0;
      return newLease(vm, formatResourceId(bastion), requestId, at);
    }
    if (lease.state === 'deleting') {
      throw new LinkBusyError();
    }
    generation = lease.generation;
    return lease.holders.includes(requestId)
      ? undefined
      : { ...lease, holders: [...lease.holders, requestId], updatedAt: at };
  });
  return generation;
}

/**
 * Records the fingerprint of the link Bastion gave a holder. Refuses (LinkBusyError, so the
 * caller tries again) when the link was replaced since the caller joined, or when the lease
 * already names another link: a link obtained before a rotation must never be recorded after it.
 */
export async function recordLinkFingerprint(
  context: BrokerContext,
  vm: VmResourceId,
  requestId: RequestId,
  generation: number,
  fingerprint: string,
): Promise<void> {
  await changeLease(context, vm, (lease, at) => {
    const current =
      lease?.state === 'held' &&
      lease.generation === generation &&
      lease.holders.includes(requestId) &&
      (lease.fingerprint === undefined || lease.fingerprint === fingerprint);
    if (!lease || !current) {
      throw new LinkBusyError();
    }
    return lease.fingerprint === fingerprint ? undefined : { ...lease, fingerprint, updatedAt: at };
  });
}

/**
 * Starts (or restarts) a removal of the VM's link for `leaver` (a request, or the reconciler),
 * taking it and `alsoLeaving` off the holders. Returns the removal to carry out, or undefined when
 * the leaver holds nothing and no removal concerns it. Every start gets a new id, so an earlier
 * attempt still running notices it lost ownership. A removal begun by someone else raises
 * LinkBusyError, unless it is stale and the leaver is the reconciler, which then takes it over.
 */
export async function leaveLease(
  context: BrokerContext,
  vm: VmResourceId,
  leaver: string,
  alsoLeaving: readonly RequestId[] = [],
): Promise<LinkRemoval | undefined> {
  let removal: LinkRemoval | undefined;
  await changeLease(context, vm, (lease, at, now) => {
    removal = undefined;
    if (!lease) {
      return undefined;
    }
    if (lease.state === 'deleting' && lease.removal && lease.removal.by !== leaver) {
      const age = now.getTime() - new Date(lease.removal.startedAt).getTime();
      if (leaver !== reconciler || age < staleRemovalInMs) {
        throw new LinkBusyError();
      }
    } else if (lease.state === 'held' && !lease.holders.includes(leaver as RequestId)) {
      return undefined;
    }
    const leaving = new Set<string>([leaver, ...alsoLeaving]);
    removal = newRemoval(context, leaver, at);
    return {
      ...lease,
      holders: lease.holders.filter((holder) => !leaving.has(holder)),
      state: 'deleting',
      generation: lease.generation + 1,
      removal,
      updatedAt: at,
    };
  });
  return removal;
}

/**
 * Starts a removal by the reconciler of a held link that is not the one the lease records (or is
 * missing), so that the holders get a fresh link; undefined if the lease changed since it was read.
 */
export async function startRepair(
  context: BrokerContext,
  vm: VmResourceId,
  seen: LinkLease,
): Promise<LinkRemoval | undefined> {
  let removal: LinkRemoval | undefined;
  await changeLease(context, vm, (lease, at) => {
    removal = undefined;
    if (!lease || lease.state !== 'held' || lease.updatedAt !== seen.updatedAt) {
      return undefined;
    }
    removal = newRemoval(context, reconciler, at);
    return {
      ...lease,
      state: 'deleting',
      generation: lease.generation + 1,
      removal,
      updatedAt: at,
    };
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
  const removal = newRemoval(context, reconciler, at);
  const lease: LinkLease = {
    ...newLease(vm, formatResourceId(bastion), '' as RequestId, at),
    holders: [],
    state: 'deleting',
    generation: 1,
    removal,
  };
  return (await context.leases.tryCreate(lease)) ? removal : undefined;
}

/** Whether `removal` is still the VM's removal in progress (nobody took it over meanwhile). */
export async function ownsRemoval(
  context: BrokerContext,
  vm: VmResourceId,
  removal: LinkRemoval,
): Promise<boolean> {
  const lease = await getLease(context, vm);
  return lease?.state === 'deleting' && lease.removal?.id === removal.id;
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
  const { removal: _finished, fingerprint: _old, ...rest } = current.value;
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

/** A removal by `by` starting now, with a fresh id. */
function newRemoval(context: BrokerContext, by: string, at: string): LinkRemoval {
  return { by, id: context.ids.newId(), startedAt: at };
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
