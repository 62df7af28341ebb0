import type { BastionHostId, VmResourceId } from '../../domain/resourceId.js';

/** A live Bastion session as Azure reports it. */
export interface BastionSession {
  readonly sessionId: string;
  /** Canonical ARM id of the VM the session is connected to. */
  readonly targetResourceId: string;
  readonly userName?: string;
  readonly protocol?: string;
  readonly startTime?: string;
}

/** What happened to one session the broker asked Azure to disconnect. */
export interface SessionDisconnectOutcome {
  readonly sessionId: string;
  readonly state: 'Disconnected' | 'Failed' | 'NotFound';
}

/** A shareable link as Azure lists it. */
export interface ShareableLink {
  /** Canonical ARM id of the VM the link opens. */
  readonly vmId: string;
  /** The bearer URL itself: a secret, never logged or stored. */
  readonly url: string;
}

/**
 * Bastion shareable links and active sessions in Azure. Every method waits for Azure's
 * long-running operations to finish and throws UpstreamError on failure.
 */
export interface LinkGateway {
  /** Creates the VM's link (Azure keeps one per VM, so an existing one comes back) and reads it. */
  createLink(bastion: BastionHostId, vm: VmResourceId): Promise<ShareableLink>;
  /** The VM's current link, or undefined if it has none. */
  getLink(bastion: BastionHostId, vm: VmResourceId): Promise<ShareableLink | undefined>;
  /** Every link on the Bastion host. */
  listLinks(bastion: BastionHostId): Promise<ShareableLink[]>;
  /**
   * Deletes the link with this URL by its token, falling back to deleting by VM only while that
   * same link is still listed; without a URL, deletes whatever link the VM has. Confirms.
   */
  deleteLink(bastion: BastionHostId, vm: VmResourceId, url?: string): Promise<void>;
  /** Every live session on the Bastion host. */
  listSessions(bastion: BastionHostId): Promise<BastionSession[]>;
  /** Disconnects the given sessions. */
  disconnectSessions(
    bastion: BastionHostId,
    sessionIds: readonly string[],
  ): Promise<SessionDisconnectOutcome[]>;
}
