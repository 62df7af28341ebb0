import type { AccessRequest } from '../domain/accessRequest.js';
import { BrokerError } from '../domain/errors.js';
import { timeOut } from '../domain/requestTransitions.js';
import { createLogger } from '../logger.js';
import type { BrokerContext } from './brokerContext.js';
import { timedOutEvent } from './decideRequest.js';
import { LinkBusyError } from './linkLeases.js';
import { queryAll } from './queryAll.js';
import { rejectedTokens } from './rejectedTokens.js';
import { reconcileLinks } from './reconcileLinks.js';
import { revokeGrant } from './revokeGrant.js';
import { updateRequest } from './updateRequest.js';

const log = createLogger('sweep');

/** Approved requests whose issuing has not finished after this long are queued again. */
export const stalledIssueInMs = 2 * 60_000;

/** What one sweep did. */
export interface SweepReport {
  readonly timedOut: number;
  readonly ended: number;
  readonly requeued: number;
  readonly orphansRemoved: number;
  readonly failures: number;
}

/**
 * The every-minute safety net. It looks at state, never at "since the last run": every pending
 * request past its deadline times out, every grant past its window (or asked to be revoked) is
 * removed, every stalled issue is queued again, and every link no live grant owns is deleted.
 */
export async function sweep(context: BrokerContext): Promise<SweepReport> {
  const now = context.clock.now();
  const steps = new SweepSteps();

  const timedOut = await timeOutOverdue(context, now, steps);
  const ended = await endDueGrants(context, now, steps);
  const requeued = await requeueStalled(context, now, steps);
  const orphansRemoved = await reconcileLinks(context).catch((caught: unknown) => {
    steps.failures++;
    log.warn('Link reconciliation failed; the next run retries', {
      reason: caught instanceof BrokerError ? caught.code : 'unexpected',
    });
    return 0;
  });

  await auditRejectedTokens(context).catch(() => steps.failures++);

  const report = {
    timedOut,
    ended,
    requeued,
    orphansRemoved,
    failures: steps.failures,
  };
  if (Object.values(report).some((count) => count > 0)) {
    log.info('Sweep finished', report);
  }
  return report;
}

/** Runs one step per request; a failure is counted and logged, and the next sweep retries. */
class SweepSteps {
  failures = 0;

  async run(requestId: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (caught) {
      this.failures++;
      const reason = caught instanceof BrokerError ? caught.code : 'unexpected';
      log.warn('Sweep step failed; the next run retries', { requestId, reason });
    }
  }
}

async function timeOutOverdue(context: BrokerContext, now: Date, steps: SweepSteps) {
  const overdue = await findRequests(context, 'c.status = "pending" AND c.decideBy <= @now', now);
  for (const request of overdue) {
    await steps.run(request.id, () => timeOutRequest(context, request.id, now));
  }
  return overdue.length;
}

/** Ends grants past their window or asked to end; grants sharing one removal finish after it. */
async function endDueGrants(context: BrokerContext, now: Date, steps: SweepSteps) {
  const due = await findRequests(
    context,
    'c.status = "active" AND (c.expiresAt <= @now OR IS_DEFINED(c.revocation))',
    now,
  );
  const waiting: string[] = [];
  await forEachConcurrently(due, revocationsAtOnce, (request) =>
    steps.run(request.id, () =>
      revokeGrant(context, request.id).catch((caught: unknown) => {
        if (!(caught instanceof LinkBusyError)) {
          throw caught;
        }
        waiting.push(request.id);
      }),
    ),
  );
  for (const requestId of waiting) {
    await steps.run(requestId, () => revokeGrant(context, requestId));
  }
  return due.length;
}

async function requeueStalled(context: BrokerContext, now: Date, steps: SweepSteps) {
  const stalledBefore = new Date(now.getTime() - stalledIssueInMs);
  const stalled = await findRequests(
    context,
    'c.status = "approved" AND c.approvedAt <= @now',
    stalledBefore,
  );
  for (const request of stalled) {
    await steps.run(request.id, () => context.queue.enqueueIssue({ requestId: request.id }));
  }
  return stalled.length;
}

/** Ends of grants run side by side, so one slow Azure answer does not hold up the others. */
const revocationsAtOnce = 4;

async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  action: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      await action(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

async function auditRejectedTokens(context: BrokerContext): Promise<void> {
  const counts = rejectedTokens.takeCounts();
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  if (total > 0) {
    await context.audit.append({
      action: 'auth.rejected',
      actorId: 'anonymous',
      message: `Refused ${total} call(s) whose bearer token was not valid for this API.`,
      details: counts,
    });
  }
}

async function findRequests(
  context: BrokerContext,
  condition: string,
  now: Date,
): Promise<AccessRequest[]> {
  return queryAll(context.requests, {
    text: `SELECT * FROM c WHERE ${condition}`,
    parameters: [{ name: '@now', value: now.toISOString() }],
  });
}

async function timeOutRequest(context: BrokerContext, requestId: string, now: Date) {
  const at = now.toISOString();
  const update = await updateRequest(context.requests, requestId, (current) =>
    current.status === 'pending' && new Date(current.decideBy) <= now
      ? timeOut(current, at)
      : undefined,
  );
  if (update.changed) {
    await context.audit.append(timedOutEvent(update.after));
  }
}
