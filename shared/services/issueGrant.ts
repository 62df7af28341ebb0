import type { AccessRequest } from '../domain/accessRequest.js';
import { isFinal } from '../domain/accessRequest.js';
import { UpstreamError } from '../domain/errors.js';
import { fingerprintOf } from '../domain/linkLease.js';
import type { PolicyRule } from '../domain/policy.js';
import { evaluatePolicy } from '../domain/policy.js';
import type { BastionHostId, VmResourceId } from '../domain/resourceId.js';
import { parseResourceId } from '../domain/resourceId.js';
import { activate, failGrant, recordIssueIntent } from '../domain/requestTransitions.js';
import { createLogger } from '../logger.js';
import type { BrokerContext } from './brokerContext.js';
import { joinLease, LinkBusyError, recordLinkFingerprint } from './linkLeases.js';
import { releaseGrant } from './releaseGrant.js';
import { updateRequest } from './updateRequest.js';

const log = createLogger('grant');

/** An approved request not issued within this long fails rather than start late. */
export const issueDeadlineInMs = 30 * 60_000;

/** How the queue delivered the job: on the last attempt a retryable failure becomes final. */
export interface IssueAttempt {
  readonly finalAttempt: boolean;
}

/**
 * Issues the grant of an approved request: records the intent, joins the VM's link lease, asks
 * Bastion for the link, and only then marks the request active and schedules its expiry. Safe to
 * run twice for one request, and safe to crash between any two steps.
 */
export async function issueGrant(
  context: BrokerContext,
  requestId: string,
  attempt: IssueAttempt,
): Promise<AccessRequest | undefined> {
  const found = await context.requests.get(requestId);
  if (!found || found.value.status !== 'approved') {
    return settleUnissuable(context, found?.value);
  }
  const request = found.value;
  const vm = parseResourceId(request.vmId, 'virtualMachine');
  const evaluation = evaluatePolicy(context.policy, vm);
  if (evaluation.outcome === 'unmatched') {
    return fail(context, requestId, 'No policy rule covers this VM any more.');
  }
  const approvedAt = new Date(request.approvedAt ?? request.createdAt).getTime();
  if (context.clock.now().getTime() - approvedAt > issueDeadlineInMs) {
    return fail(context, requestId, 'The grant could not be issued within 30 minutes.');
  }

  const intended = await recordIntent(context, request, evaluation.rule);
  if (intended.status !== 'approved') {
    return settleUnissuable(context, intended);
  }
  try {
    const url = await obtainLink(context, request, vm, evaluation.bastion);
    return await goLive(context, requestId, fingerprintOf(url));
  } catch (caught) {
    // A link being replaced is not a failure to issue: the deadline bounds the wait instead.
    if (!(caught instanceof LinkBusyError) && (attempt.finalAttempt || isRefusal(caught))) {
      const why = caught instanceof UpstreamError ? ` ${caught.message}` : '';
      return fail(context, requestId, `Azure Bastion did not issue the shareable link.${why}`);
    }
    throw caught;
  }
}

/** A request that cannot be issued (any more): let go of anything it may still hold. */
async function settleUnissuable(
  context: BrokerContext,
  request: AccessRequest | undefined,
): Promise<AccessRequest | undefined> {
  if (request && isFinal(request) && request.grant) {
    await releaseGrant(context, request);
  }
  return request;
}

async function recordIntent(
  context: BrokerContext,
  request: AccessRequest,
  rule: PolicyRule,
): Promise<AccessRequest> {
  const started = context.clock.now().toISOString();
  const intent = await updateRequest(context.requests, request.id, (current) =>
    current.status === 'approved' && !current.grant
      ? recordIssueIntent(current, rule.bastionHostId, started)
      : undefined,
  );
  if (intent.changed) {
    await context.audit.append({
      action: 'grant.issueStarted',
      actorId: 'system',
      vmId: request.vmId,
      requestId: request.id,
      message: `Issuing a shareable link for request ${request.id} on ${request.vmId}.`,
    });
  }
  return intent.after;
}

async function obtainLink(
  context: BrokerContext,
  request: AccessRequest,
  vm: VmResourceId,
  bastion: BastionHostId,
): Promise<string> {
  const generation = await joinLease(context, vm, bastion, request.id);
  const { url } = await context.links.createLink(bastion, vm);
  await recordLinkFingerprint(context, vm, request.id, generation, fingerprintOf(url));
  return url;
}

async function goLive(
  context: BrokerContext,
  requestId: string,
  fingerprint: string,
): Promise<AccessRequest> {
  const activation = await updateRequest(context.requests, requestId, (current) =>
    current.status === 'approved' ? activate(current, fingerprint, context.clock.now()) : undefined,
  );
  if (!activation.changed) {
    return (await settleUnissuable(context, activation.after)) as AccessRequest;
  }

  const active = activation.after;
  await context.queue.enqueueRevoke({ requestId: active.id }, new Date(active.expiresAt as string));
  await context.audit.append({
    action: 'grant.issued',
    actorId: 'system',
    vmId: active.vmId,
    requestId,
    message: `Issued a shareable link for request ${requestId}, valid until ${active.expiresAt}.`,
    details: { linkFingerprint: fingerprint, expiresAt: active.expiresAt ?? null },
  });
  log.info('Grant issued', { requestId, expiresAt: active.expiresAt });
  return active;
}

async function fail(
  context: BrokerContext,
  requestId: string,
  reason: string,
): Promise<AccessRequest> {
  const at = context.clock.now().toISOString();
  const update = await updateRequest(context.requests, requestId, (current) =>
    current.status === 'approved' ? failGrant(current, reason, at) : undefined,
  );
  if (update.changed) {
    await context.audit.append({
      action: 'grant.failed',
      actorId: 'system',
      vmId: update.after.vmId,
      requestId,
      message: `Could not issue the grant of request ${requestId}: ${reason}`,
    });
    log.warn('Grant failed', { requestId, reason });
  }
  return (await settleUnissuable(context, update.after)) as AccessRequest;
}

/**
 * Whether Azure refused for good: a 4xx other than a timeout, a conflict with another operation
 * in progress (ARM's `AnotherOperationInProgress` is a 409) or throttling.
 */
export function isRefusal(caught: unknown): boolean {
  const status = caught instanceof UpstreamError ? caught.upstreamStatus : undefined;
  return status !== undefined && status >= 400 && status < 500 && ![408, 409, 429].includes(status);
}
