import type { AccessKind, AccessRequest, Protocol } from '../domain/accessRequest.js';
import type { Caller } from '../domain/caller.js';
import { parseDuration } from '../domain/duration.js';
import { AccessDeniedError, PolicyViolationError, ValidationError } from '../domain/errors.js';
import type { RequestId } from '../domain/ids.js';
import {
  decisionTimeoutInMinutes,
  evaluatePolicy,
  maxDurationInMinutes,
} from '../domain/policy.js';
import { formatResourceId, parseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';

/** What a requester asks for. */
export interface NewAccessRequest {
  readonly vmId: string;
  readonly access: AccessKind;
  readonly protocol: Protocol;
  readonly duration: string;
  readonly justification: string;
  readonly ticket?: string;
}

/**
 * Files a request for access: the VM must be governed by a policy rule that offers the access
 * kind, the window must fit the rule's maximum, and the requester must belong to one of the
 * rule's requester groups in the live directory.
 */
export async function createRequest(
  context: BrokerContext,
  caller: Caller,
  input: NewAccessRequest,
): Promise<AccessRequest> {
  const vm = parseResourceId(input.vmId, 'virtualMachine', 'body.vmId');
  const duration = parseDuration(input.duration, 'body.duration');
  const evaluation = evaluatePolicy(context.policy, vm);
  if (evaluation.outcome === 'unmatched') {
    throw new PolicyViolationError(evaluation.reason, 'no-matching-policy');
  }

  const { rule } = evaluation;
  if (!rule.access.includes(input.access as 'link')) {
    throw new PolicyViolationError(
      `Policy rule ${rule.id} does not offer ${input.access} access.`,
      'access-kind-not-allowed',
    );
  }
  if (duration.durationInMinutes > maxDurationInMinutes(rule)) {
    throw new ValidationError(
      `The duration exceeds the maximum of ${rule.maxDuration} set by policy rule ${rule.id}.`,
      [{ field: 'body.duration', message: `must be at most ${rule.maxDuration}` }],
      'duration-exceeds-maximum',
    );
  }
  const memberships = await context.directory.checkMemberGroups(caller.id, rule.requesterGroupIds);
  if (memberships.length === 0) {
    throw new AccessDeniedError(
      'You are not in a group that may request this VM.',
      'not-a-requester',
    );
  }

  const now = context.clock.now();
  const request: AccessRequest = {
    id: context.ids.newId() as RequestId,
    requesterId: caller.id,
    vmId: formatResourceId(vm),
    access: input.access,
    protocol: input.protocol,
    duration: duration.text,
    durationInMinutes: duration.durationInMinutes,
    justification: input.justification,
    ...(input.ticket === undefined ? {} : { ticket: input.ticket }),
    policyRuleId: rule.id,
    approverGroupIds: rule.approverGroupIds,
    approvalsRequired: rule.approvalsRequired,
    approvals: [],
    status: 'pending',
    createdAt: now.toISOString(),
    decideBy: new Date(now.getTime() + decisionTimeoutInMinutes(rule) * 60_000).toISOString(),
  };

  const created = await context.requests.tryCreate(request);
  if (!created) {
    throw new Error(`Request id ${request.id} was generated twice.`);
  }
  await context.audit.append({
    action: 'request.created',
    actorId: caller.id,
    vmId: request.vmId,
    requestId: request.id,
    message: `${caller.id} requested ${request.access} access to ${request.vmId} for ${request.duration}.`,
    details: { access: request.access, protocol: request.protocol, rule: rule.id },
  });
  return created.value;
}
