import type { PrincipalId, RequestId } from './ids.js';

/** Every state an access request can be in (DESIGN §3). */
export const requestStatuses = [
  'pending',
  'approved',
  'active',
  'expired',
  'revoked',
  'denied',
  'cancelled',
  'timedOut',
  'failed',
] as const;

/** One state of an access request. */
export type RequestStatus = (typeof requestStatuses)[number];

/** What kind of access is granted. */
export type AccessKind = 'link' | 'tunnel';

/** Which protocol the requester will speak to the VM. */
export type Protocol = 'ssh' | 'rdp';

/** One approver's decision. */
export interface Decision {
  readonly approverId: PrincipalId;
  readonly decidedAt: string;
  /** What an approver added to an approval. */
  readonly comment?: string;
  /** Why a denial was given. */
  readonly reason?: string;
}

/** What the broker issued in Azure for an approved request, and how far removing it has got. */
export interface GrantRecord {
  /** Bastion host that serves the VM (canonical ARM id). */
  readonly bastionHostId: string;
  /** When the broker recorded its intent to issue, before calling Azure. */
  readonly issueStartedAt: string;
  /** When Azure confirmed the grant. */
  readonly issuedAt?: string;
  /** SHA-256 fingerprint of the shareable link; the link itself is never stored. */
  readonly linkFingerprint?: string;
  /** Why issuing failed, in words safe to show (no upstream payload). */
  readonly failureReason?: string;
}

/** Removal of a live grant that was asked for but not yet confirmed by Azure. */
export interface PendingRevocation {
  /** `expired` when the window ended, `revoked` when someone ended it early. */
  readonly outcome: 'expired' | 'revoked';
  readonly requestedAt: string;
  readonly requestedBy: PrincipalId | 'system';
  readonly reason?: string;
  /** How many times removal has been tried. */
  readonly attempts: number;
  /** The last failure, in words safe to show. */
  readonly lastError?: string;
}

/** A request for time-boxed access to one VM, and everything that has happened to it. */
export interface AccessRequest {
  readonly id: RequestId;
  readonly requesterId: PrincipalId;
  /** Canonical ARM id of the VM. */
  readonly vmId: string;
  readonly access: AccessKind;
  readonly protocol: Protocol;
  /** ISO-8601 duration as asked, e.g. `PT2H`. */
  readonly duration: string;
  readonly durationInMinutes: number;
  readonly justification: string;
  readonly ticket?: string;
  /** Id of the policy rule that matched. */
  readonly policyRuleId: string;
  /** Entra groups whose members may approve. */
  readonly approverGroupIds: readonly string[];
  readonly approvalsRequired: number;
  readonly approvals: readonly Decision[];
  readonly denial?: Decision;
  readonly cancelledBy?: PrincipalId;
  readonly status: RequestStatus;
  readonly createdAt: string;
  /** A pending request not decided by then times out. */
  readonly decideBy: string;
  readonly approvedAt?: string;
  readonly activatedAt?: string;
  /** End of the access window, set when the grant goes live. */
  readonly expiresAt?: string;
  /** When the request reached a final state. */
  readonly endedAt?: string;
  readonly grant?: GrantRecord;
  readonly revocation?: PendingRevocation;
}

/** States in which the request can still change. */
const openStatuses: ReadonlySet<RequestStatus> = new Set(['pending', 'approved', 'active']);

/** States from which nothing can happen any more. */
export const finalStatuses: ReadonlySet<RequestStatus> = new Set(
  requestStatuses.filter((status) => !openStatuses.has(status)),
);

/** Whether the request can no longer change. */
export function isFinal(request: Pick<AccessRequest, 'status'>): boolean {
  return finalStatuses.has(request.status);
}
