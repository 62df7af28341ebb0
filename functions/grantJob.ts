import type { InvocationContext } from '@azure/functions';
import { z } from 'zod';
import type { GrantJob } from '../shared/services/ports/grantQueue.js';
import type { RequestId } from '../shared/domain/ids.js';
import { requestIdSchema } from '../shared/http/schemas.js';

/** The host's `maxDequeueCount` (host.json): the delivery with this count is the last. */
export const maxDequeueCount = 5;

const grantJobSchema = z.object({ requestId: requestIdSchema }).strict();

/** Validates a queue message as a grant job; a malformed one fails and ends up poisoned. */
export function grantJobOf(message: unknown): GrantJob {
  return { requestId: grantJobSchema.parse(message).requestId as RequestId };
}

/** Whether this delivery is the last before the message goes to the poison queue. */
export function isFinalDelivery(context: InvocationContext): boolean {
  const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
  return dequeueCount >= maxDequeueCount;
}
