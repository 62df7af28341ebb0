import type { RequestStatus } from './accessRequest.js';
import { ConflictError } from './errors.js';

/** Everything that can happen to a request. */
export const requestEvents = [
  'approve',
  'reachQuorum',
  'deny',
  'cancel',
  'timeOut',
  'issueGrant',
  'failGrant',
  'expire',
  'revoke',
] as const;

/** One thing that can happen to a request. */
export type RequestEvent = (typeof requestEvents)[number];

/**
 * The lifecycle of DESIGN §3 as a table: state → event → next state. A missing entry is an
 * illegal transition. `approve` records one approval below quorum; `reachQuorum` is the approval
 * that completes it.
 */
const transitions: Readonly<Record<RequestStatus, Partial<Record<RequestEvent, RequestStatus>>>> = {
  pending: {
    approve: 'pending',
    reachQuorum: 'approved',
    deny: 'denied',
    cancel: 'cancelled',
    timeOut: 'timedOut',
  },
  approved: { issueGrant: 'active', failGrant: 'failed', cancel: 'cancelled' },
  active: { expire: 'expired', revoke: 'revoked' },
  expired: {},
  revoked: {},
  denied: {},
  cancelled: {},
  timedOut: {},
  failed: {},
};

/** A transition the lifecycle does not allow from the request's current state. */
export class IllegalTransitionError extends ConflictError {
  constructor(
    readonly from: RequestStatus,
    readonly event: RequestEvent,
  ) {
    super(`A request that is ${from} cannot ${describe(event)}.`, 'illegal-transition');
  }
}

/** The state after `event` happens in state `from`; throws IllegalTransitionError if it cannot. */
export function nextStatus(from: RequestStatus, event: RequestEvent): RequestStatus {
  const to = transitions[from][event];
  if (!to) {
    throw new IllegalTransitionError(from, event);
  }
  return to;
}

/** Whether `event` can happen in state `from`. */
export function canHappen(from: RequestStatus, event: RequestEvent): boolean {
  return transitions[from][event] !== undefined;
}

function describe(event: RequestEvent): string {
  const phrases: Record<RequestEvent, string> = {
    approve: 'be approved',
    reachQuorum: 'be approved',
    deny: 'be denied',
    cancel: 'be cancelled',
    timeOut: 'time out',
    issueGrant: 'be granted',
    failGrant: 'fail to be granted',
    expire: 'expire',
    revoke: 'be revoked',
  };
  return phrases[event];
}
