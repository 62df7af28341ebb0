import type { AccessRequest } from '../domain/accessRequest.js';
import { isFinal } from '../domain/accessRequest.js';
import { BrokerError } from '../domain/errors.js';
import {
  completeRevocation,
  isPastWindow,
  recordRevocationFailure,
  requestRevocation,
} from '../domain/requestTransitions.js';
import { createLogger } from '../logger.js';
import type { BrokerContext } from './brokerContext.js';
import { LinkBusyError } from './linkLeases.js';
import { releaseGrant } from './releaseGrant.js';
import { updateRequest } from './updateRequest.js';

const log = createLogger('revoke');

/**
 * Carries out the end of a grant: at or after `expiresAt`, or once a revocation was asked for.
 * The request becomes expired or revoked only after Azure confirms the link is gone; failures are
 * recorded on the request (visible as pending revocation) and rethrown so the caller retries.
 * The queue, a duplicate message and the sweep may all run this for one request: it ends once.
 */
export async function revokeGrant(
  context: BrokerContext,
  requestId: string,
): Promise<AccessRequest | undefined> {
  const found = await context.requests.get(requestId);
  if (!found) {
    return undefined;
  }
  if (isFinal(found.value)) {
    await releaseGrant(context, found.value);
    return found.value;
  }
  if (found.value.status !== 'active') {
    return found.value;
  }

  const pending = await markExpiredIfDue(context, requestId);
  if (!pending.revocation) {
    return pending;
  }

  try {
    await releaseGrant(context, pending);
  } catch (caught) {
    await recordFailure(context, pending, caught);
    throw caught;
  }
  return complete(context, requestId);
}

async function markExpiredIfDue(context: BrokerContext, requestId: string) {
  const now = context.clock.now();
  const update = await updateRequest(context.requests, requestId, (current) =>
    current.status === 'active' && !current.revocation && isPastWindow(current, now)
      ? requestRevocation(current, {
          outcome: 'expired',
          requestedAt: now.toISOString(),
          requestedBy: 'system',
        })
      : undefined,
  );
  return update.after;
}

async function complete(context: BrokerContext, requestId: string): Promise<AccessRequest> {
  const at = context.clock.now().toISOString();
  const update = await updateRequest(context.requests, requestId, (current) =>
    current.status === 'active' ? completeRevocation(current, at) : undefined,
  );
  if (update.changed) {
    const request = update.after;
    const expired = request.status === 'expired';
    await context.audit.append({
      action: expired ? 'grant.expired' : 'grant.revoked',
      actorId: expired ? 'system' : (request.revocation?.requestedBy ?? 'system'),
      vmId: request.vmId,
      requestId,
      message: expired
        ? `The grant of request ${requestId} expired and its access is gone.`
        : `The grant of request ${requestId} was revoked and its access is gone.`,
      details: { linkFingerprint: request.grant?.linkFingerprint ?? null },
    });
    log.info('Grant ended', { requestId, status: request.status });
  }
  return update.after;
}

async function recordFailure(
  context: BrokerContext,
  request: AccessRequest,
  caught: unknown,
): Promise<void> {
  if (caught instanceof LinkBusyError) {
    return;
  }
  const reason = caught instanceof BrokerError ? caught.message : 'Unexpected failure.';
  await updateRequest(context.requests, request.id, (current) =>
    current.status === 'active' ? recordRevocationFailure(current, reason) : undefined,
  );
  await context.audit.append({
    action: 'grant.revocationAttempted',
    actorId: 'system',
    vmId: request.vmId,
    requestId: request.id,
    message: `Removing the grant of request ${request.id} failed and will be retried.`,
    details: { reason },
  });
  log.warn('Revocation failed; will retry', { requestId: request.id, reason });
}
