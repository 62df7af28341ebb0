/** Every audited action, as dotted names (DESIGN §6). */
export const auditActions = [
  'request.created',
  'request.approved',
  'request.quorumReached',
  'request.denied',
  'request.cancelled',
  'request.timedOut',
  'grant.issueStarted',
  'grant.issued',
  'grant.failed',
  'grant.revocationRequested',
  'grant.revocationAttempted',
  'grant.revoked',
  'grant.expired',
  'grant.orphanRemoved',
  'link.deleted',
  'link.rotated',
  'sessions.disconnected',
  'policy.loaded',
  'auth.rejected',
] as const;

/** One audited action. */
export type AuditAction = (typeof auditActions)[number];

/** What a service tells the audit trail; the trail adds id, time, sequence and hashes. */
export interface AuditEvent {
  readonly action: AuditAction;
  /** Entra object id of who did it, or `system` for the broker itself. */
  readonly actorId: string;
  /** Canonical ARM id of the VM concerned, when there is one. */
  readonly vmId?: string;
  readonly requestId?: string;
  /** A full sentence that says what happened, quoting ids. */
  readonly message: string;
  /** Structured facts; never a secret (links appear only as fingerprints). */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** An audit record as stored: append-only and chained to its predecessor by hash. */
export interface AuditRecord extends AuditEvent {
  readonly id: string;
  /** UTC time, RFC 3339. */
  readonly time: string;
  /** Name of the hash chain (one per UTC month), also the partition key. */
  readonly chain: string;
  /** Position in the chain, from 1. */
  readonly sequence: number;
  /** Hash of the previous record in the chain (the previous chain's last, or zeros). */
  readonly previousHash: string;
  /** SHA-256 over this record's content and `previousHash`. */
  readonly hash: string;
}

/** Which audit records to return. All bounds are inclusive; absent means unbounded. */
export interface AuditFilter {
  readonly from: Date;
  readonly to: Date;
  readonly actorId?: string;
  readonly vmId?: string;
  readonly requestId?: string;
  readonly action?: AuditAction;
}
