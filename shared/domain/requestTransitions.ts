import type { AccessRequest, Decision, PendingRevocation } from './accessRequest.js';
import { ConflictError } from './errors.js';
import type { PrincipalId } from './ids.js';
import { nextStatus } from './requestLifecycle.js';

/**
 * Pure functions that move a request through its lifecycle. Each checks the transition against
 * the state machine and returns the new request; none performs I/O.
 */

/** Records one approval; the request becomes approved when the quorum is reached. */
export function approve(request: AccessRequest, decision: Decision): AccessRequest {
  if (request.approvals.some((approval) => approval.approverId === decision.approverId)) {
    throw new ConflictError('You have already approved this request.', 'already-decided');
  }
  const approvals = [...request.approvals, decision];
  const quorumReached = approvals.length >= request.approvalsRequired;
  const status = nextStatus(request.status, quorumReached ? 'reachQuorum' : 'approve');
  return {
    ...request,
    approvals,
    status,
    approvedAt: quorumReached ? decision.decidedAt : request.approvedAt,
  };
}

/** Denies the request; one denial ends it. */
export function deny(request: AccessRequest, decision: Decision): AccessRequest {
  return {
    ...request,
    status: nextStatus(request.status, 'deny'),
    denial: decision,
    endedAt: decision.decidedAt,
  };
}

/** The requester withdraws the request before it is live. */
export function cancel(request: AccessRequest, by: PrincipalId, at: string): AccessRequest {
  return { ...request, status: nextStatus(request.status, 'cancel'), cancelledBy: by, endedAt: at };
}

/** Nobody decided before the deadline. */
export function timeOut(request: AccessRequest, at: string): AccessRequest {
  return { ...request, status: nextStatus(request.status, 'timeOut'), endedAt: at };
}

/** Records, before Azure is called, that the broker is about to issue the grant. */
export function recordIssueIntent(
  request: AccessRequest,
  bastionHostId: string,
  at: string,
): AccessRequest {
  if (request.status !== 'approved') {
    throw new ConflictError(
      `A request that is ${request.status} cannot be granted.`,
      'not-approved',
    );
  }
  return { ...request, grant: { bastionHostId, issueStartedAt: at, ...request.grant } };
}

/** Azure confirmed the grant: the access window starts now. */
export function activate(request: AccessRequest, linkFingerprint: string, at: Date): AccessRequest {
  const grant = request.grant;
  if (!grant) {
    throw new ConflictError('The grant was issued without a recorded intent.', 'no-grant-intent');
  }
  const expiresAt = new Date(at.getTime() + request.durationInMinutes * 60_000).toISOString();
  return {
    ...request,
    status: nextStatus(request.status, 'issueGrant'),
    activatedAt: at.toISOString(),
    expiresAt,
    grant: { ...grant, issuedAt: at.toISOString(), linkFingerprint },
  };
}

/** Issuing failed for good. */
export function failGrant(request: AccessRequest, reason: string, at: string): AccessRequest {
  const grant = request.grant ?? { bastionHostId: '', issueStartedAt: at };
  return {
    ...request,
    status: nextStatus(request.status, 'failGrant'),
    grant: { ...grant, failureReason: reason },
    endedAt: at,
  };
}

/** Asks for a live grant to be removed; asking again changes nothing. */
export function requestRevocation(
  request: AccessRequest,
  revocation: Omit<PendingRevocation, 'attempts'>,
): AccessRequest {
  nextStatus(request.status, revocation.outcome === 'expired' ? 'expire' : 'revoke');
  if (request.revocation) {
    return request;
  }
  return { ...request, revocation: { ...revocation, attempts: 0 } };
}

/** Notes a failed attempt at removal, so that it is visible while it is retried. */
export function recordRevocationFailure(request: AccessRequest, error: string): AccessRequest {
  if (!request.revocation) {
    return request;
  }
  const attempts = request.revocation.attempts + 1;
  return { ...request, revocation: { ...request.revocation, attempts, lastError: error } };
}

/** Azure confirmed the grant is gone: the request is expired or revoked. */
export function completeRevocation(request: AccessRequest, at: string): AccessRequest {
  const outcome = request.revocation?.outcome ?? 'expired';
  return {
    ...request,
    status: nextStatus(request.status, outcome === 'expired' ? 'expire' : 'revoke'),
    endedAt: at,
  };
}

/** Whether the window of an active grant has ended at `now`. */
export function isPastWindow(request: AccessRequest, now: Date): boolean {
  return request.expiresAt !== undefined && new Date(request.expiresAt) <= now;
}
