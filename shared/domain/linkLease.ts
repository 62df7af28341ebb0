import { createHash } from 'node:crypto';
import type { RequestId } from './ids.js';
import type { VmResourceId } from './resourceId.js';
import { formatResourceId, resourceKey } from './resourceId.js';

/**
 * Who holds a VM's shareable link. Bastion keeps one link per VM, so grants for the same VM share
 * it. When a holder leaves, the link is removed with its sessions; if other holders remain, a new
 * link is made for them (rotation), so a departed holder's copy never opens the VM again. While
 * `deleting`, nobody may join.
 */
export interface LinkLease {
  /** SHA-256 of the VM's resource key (Cosmos ids cannot hold `/`). */
  readonly id: string;
  readonly vmId: string;
  readonly bastionHostId: string;
  /** Requests whose grants use the link. */
  readonly holders: readonly RequestId[];
  readonly state: 'held' | 'deleting';
  /** Counts the removals so far: a link obtained under an older generation is not trusted. */
  readonly generation: number;
  /** Fingerprint of the link the holders may be handed, once Bastion issued it. */
  readonly fingerprint?: string;
  /** While `deleting`: who removes the link, and an id that tells this removal from a later one. */
  readonly removal?: LinkRemoval;
  readonly updatedAt: string;
}

/** One removal of a VM's link, owned by the request that left (or the reconciler). */
export interface LinkRemoval {
  /** The departing request's id, or `reconciler`. */
  readonly by: string;
  readonly id: string;
  readonly startedAt: string;
}

/** The lease document id for a VM. */
export function leaseIdOf(vm: VmResourceId): string {
  return createHash('sha256').update(resourceKey(vm)).digest('hex');
}

/** A new lease held by one request. */
export function newLease(
  vm: VmResourceId,
  bastionHostId: string,
  holder: RequestId,
  at: string,
): LinkLease {
  return {
    id: leaseIdOf(vm),
    vmId: formatResourceId(vm),
    bastionHostId,
    holders: [holder],
    state: 'held',
    generation: 0,
    updatedAt: at,
  };
}

/** SHA-256 fingerprint of a link, the only form in which a link is ever kept. */
export function fingerprintOf(url: string): string {
  return `sha256:${createHash('sha256').update(url).digest('hex')}`;
}
