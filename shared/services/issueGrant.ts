import type { AccessRequest } from '../domain/accessRequest.js';
import { isFinal } from '../domain/accessRequest.js';
import { UpstreamError } from '../domain/errors.js';
import { fingerprintOf } from '../domain/linkLease.js';
import { evaluatePolicy } from '../domain/policy.js';
import { parseResourceId } from '../domain/resourceId.js';
import { activate, failGrant, recordIssueIntent } from '../domain/requestTransitions.js';
import { createLogger } from '../logger.js';
import type { BrokerContext } from './brokerContext.js';
import { joinLease } from './linkLeases.js';
import { releaseGrant } from './releaseGrant.js';
import { updateRequest } from './updateRequest.js';

const log = createLogger('grant');

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
    if (found && isFinal(found.value) && found.value.grant) {
      await releaseGrant(context, found.value);
    }
    return found?.value;
  }

  const vm = parseResourceId(found.value.vmId, 'virtualMachine');
  const evaluation = evaluatePolicy(context.policy, vm);
  if (evaluation.outcome === 'unmatched') {
    return fail(context, requestId, 'No policy rule covers this VM any more.');
  }

  const started = context.clock.now().toISOString();
  const intent = await updateRequest(context.requests, requestId, (current) =>
    current.status === 'approved' && !current.grant
      ? recordIssueIntent(current, evaluation.rule.bastionHostId, started)
      : undefined,
  );
  if (intent.changed) {
    await context.audit.append({
      action: 'grant.issueStarted',
      actorId: 'system',
      vmId: found.value.vmId,
      requestId,
      message: `Issuing a shareable link for request ${requestId} on ${found.value.vmId}.`,
    });
  }

  await joinLease(context, vm, evaluation.bastion, found.value.id);
  let url: string;
  try {
    url = (await context.links.createLink(evaluation.bastion, vm)).url;
  } catch (caught) {
    if (attempt.finalAttempt || isRefusal(caught)) {
      const why = caught instanceof UpstreamError ? ` ${caught.message}` : '';
      return fail(context, requestId, `Azure Bastion did not issue the shareable link.${why}`);
    }
    throw caught;
  }

  const fingerprint = fingerprintOf(url);
  const activation = await updateRequest(context.requests, requestId, (current) =>
    current.status === 'approved' ? activate(current, fingerprint, context.clock.now()) : undefined,
  );
  if (!activation.changed) {
    if (activation.after.status !== 'active') {
      await releaseGrant(context, activation.after);
    }
    return activation.after;
  }

  const active = activation.after;
  await context.audit.append({
    action: 'grant.issued',
    actorId: 'system',
    vmId: active.vmId,
    requestId,
    message: `Issued a shareable link for request ${requestId}, valid until ${active.expiresAt}.`,
    details: { linkFingerprint: fingerprint, expiresAt: active.expiresAt ?? null },
  });
  await context.queue.enqueueRevoke({ requestId: active.id }, new Date(active.expiresAt as string));
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
  await releaseGrant(context, update.after);
  return update.after;
}

/** Whether Azure refused for good (a 4xx other than throttling or timeout): retrying is futile. */
export function isRefusal(caught: unknown): boolean {
  const status = caught instanceof UpstreamError ? caught.upstreamStatus : undefined;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}
