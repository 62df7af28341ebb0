import type { AccessRequest, Decision } from '../domain/accessRequest.js';
import type { Caller } from '../domain/caller.js';
import { AccessDeniedError, ConflictError } from '../domain/errors.js';
import { approve, deny, timeOut } from '../domain/requestTransitions.js';
import type { BrokerContext } from './brokerContext.js';
import { relationTo } from './requestAccess.js';
import { getRequestOrThrow, updateRequest } from './updateRequest.js';

/** An approver's verdict on a pending request. */
export type Verdict =
  | { readonly kind: 'approve'; readonly comment?: string }
  | {
      readonly kind: 'deny';
      readonly reason: string;
    };

/**
 * Records an approver's decision. The approver is checked against the live directory at the time
 * of the decision and may never be the requester; the write is conditional, so two approvers at
 * once, or one approver twice, never produce two grants.
 */
export async function decideRequest(
  context: BrokerContext,
  caller: Caller,
  requestId: string,
  verdict: Verdict,
): Promise<AccessRequest> {
  const { value: request } = await getRequestOrThrow(context.requests, requestId);
  await verifyMayDecide(context, caller, request);

  const decidedAt = context.clock.now();
  const decision: Decision = {
    approverId: caller.id,
    decidedAt: decidedAt.toISOString(),
    ...(verdict.kind === 'deny' ? { reason: verdict.reason } : {}),
    ...(verdict.kind === 'approve' && verdict.comment !== undefined
      ? { comment: verdict.comment }
      : {}),
  };

  let timedOut = false;
  const update = await updateRequest(context.requests, requestId, (current) => {
    if (current.status === 'pending' && new Date(current.decideBy) <= decidedAt) {
      timedOut = true;
      return timeOut(current, decision.decidedAt);
    }
    timedOut = false;
    return verdict.kind === 'approve' ? approve(current, decision) : deny(current, decision);
  });

  if (timedOut) {
    await context.audit.append(timedOutEvent(update.after));
    throw new ConflictError('The request was not decided in time and has timed out.', 'timed-out');
  }
  // Queue first: a lost audit append must not also lose the grant (the sweep re-queues anyway).
  if (update.after.status === 'approved') {
    await context.queue.enqueueIssue({ requestId: update.after.id });
  }
  await auditDecision(context, caller, update.after, verdict);
  return update.after;
}

/** Throws unless the caller may decide this request now, according to the live directory. */
async function verifyMayDecide(
  context: BrokerContext,
  caller: Caller,
  request: AccessRequest,
): Promise<void> {
  const relation = await relationTo(context, caller, request);
  if (relation.isRequester) {
    throw new AccessDeniedError('You cannot decide your own request.', 'own-request');
  }
  if (!relation.isApprover) {
    throw new AccessDeniedError('You are not an approver for this request.', 'not-an-approver');
  }
}

async function auditDecision(
  context: BrokerContext,
  caller: Caller,
  request: AccessRequest,
  verdict: Verdict,
): Promise<void> {
  const common = { actorId: caller.id, vmId: request.vmId, requestId: request.id };
  if (verdict.kind === 'deny') {
    await context.audit.append({
      ...common,
      action: 'request.denied',
      message: `${caller.id} denied request ${request.id}.`,
      details: { reason: verdict.reason },
    });
    return;
  }
  await context.audit.append({
    ...common,
    action: 'request.approved',
    message: `${caller.id} approved request ${request.id}.`,
    details: {
      approvals: request.approvals.length,
      required: request.approvalsRequired,
      ...(verdict.comment === undefined ? {} : { comment: verdict.comment }),
    },
  });
  if (request.status === 'approved') {
    await context.audit.append({
      ...common,
      actorId: 'system',
      action: 'request.quorumReached',
      message: `Request ${request.id} reached ${request.approvalsRequired} approval(s).`,
    });
  }
}

/** The audit event of a request that timed out. */
export function timedOutEvent(request: AccessRequest) {
  return {
    action: 'request.timedOut' as const,
    actorId: 'system',
    vmId: request.vmId,
    requestId: request.id,
    message: `Request ${request.id} was not decided by ${request.decideBy} and timed out.`,
  };
}
