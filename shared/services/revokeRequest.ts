import type { AccessRequest } from '../domain/accessRequest.js';
import type { Caller } from '../domain/caller.js';
import { AccessDeniedError } from '../domain/errors.js';
import { requestRevocation } from '../domain/requestTransitions.js';
import type { BrokerContext } from './brokerContext.js';
import { relationTo } from './requestAccess.js';
import { getRequestOrThrow, updateRequest } from './updateRequest.js';

/**
 * Ends an active grant now: its requester, one of its approvers or a broker admin may. The
 * revocation is recorded at once and carried out by the revoke worker; asking twice revokes once.
 */
export async function revokeRequest(
  context: BrokerContext,
  caller: Caller,
  requestId: string,
  reason: string | undefined,
): Promise<AccessRequest> {
  const { value: request } = await getRequestOrThrow(context.requests, requestId);
  await verifyMayRevoke(context, caller, request);

  const update = await updateRequest(context.requests, requestId, (current) =>
    requestRevocation(current, {
      outcome: 'revoked',
      requestedAt: context.clock.now().toISOString(),
      requestedBy: caller.id,
      ...(reason === undefined ? {} : { reason }),
    }),
  );
  if (update.changed) {
    await context.queue.enqueueRevoke({ requestId: request.id });
    await context.audit.append({
      action: 'grant.revocationRequested',
      actorId: caller.id,
      vmId: request.vmId,
      requestId: request.id,
      message: `${caller.id} asked for the grant of request ${request.id} to be revoked.`,
      details: { reason: reason ?? null },
    });
  }
  return update.after;
}

async function verifyMayRevoke(
  context: BrokerContext,
  caller: Caller,
  request: AccessRequest,
): Promise<void> {
  const relation = await relationTo(context, caller, request);
  if (!relation.isRequester && !relation.isApprover && !relation.isAdmin) {
    throw new AccessDeniedError('You may not revoke this grant.', 'not-allowed-to-revoke');
  }
}
