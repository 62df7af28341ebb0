import type { AccessRequest } from '../domain/accessRequest.js';
import type { Caller } from '../domain/caller.js';
import { AccessDeniedError } from '../domain/errors.js';
import { cancel } from '../domain/requestTransitions.js';
import type { BrokerContext } from './brokerContext.js';
import { relationTo } from './requestAccess.js';
import { getRequestOrThrow, updateRequest } from './updateRequest.js';

/**
 * The requester withdraws a pending or approved request. If issuing had already begun, whatever
 * reached Azure is released by the revoke worker (and, failing that, by the sweep).
 */
export async function cancelRequest(
  context: BrokerContext,
  caller: Caller,
  requestId: string,
): Promise<AccessRequest> {
  const { value: request } = await getRequestOrThrow(context.requests, requestId);
  if (!(await relationTo(context, caller, request)).isRequester) {
    throw new AccessDeniedError('Only the requester can cancel a request.', 'not-the-requester');
  }

  const at = context.clock.now().toISOString();
  const update = await updateRequest(context.requests, requestId, (current) =>
    cancel(current, caller.id, at),
  );
  if (update.before.grant) {
    await context.queue.enqueueRevoke({ requestId: request.id });
  }
  await context.audit.append({
    action: 'request.cancelled',
    actorId: caller.id,
    vmId: request.vmId,
    requestId: request.id,
    message: `${caller.id} cancelled request ${request.id} while it was ${update.before.status}.`,
  });
  return update.after;
}
