import type { z } from 'zod';
import type { AccessRequest } from '../domain/accessRequest.js';
import type { requestViewSchema } from './schemas.js';

/** A request as the API shows it. */
export type RequestView = z.infer<typeof requestViewSchema>;

/** The public view of a request; internal bookkeeping (policy, grant records) stays inside. */
export function toRequestView(request: AccessRequest, link?: string): RequestView {
  return {
    id: request.id,
    requesterId: request.requesterId,
    vmId: request.vmId,
    access: request.access,
    protocol: request.protocol,
    duration: request.duration,
    justification: request.justification,
    ...(request.ticket === undefined ? {} : { ticket: request.ticket }),
    status: request.status,
    approvalsRequired: request.approvalsRequired,
    approvals: [...request.approvals],
    ...(request.denial === undefined ? {} : { denial: request.denial }),
    createdAt: request.createdAt,
    decideBy: request.decideBy,
    ...optional('approvedAt', request.approvedAt),
    ...optional('activatedAt', request.activatedAt),
    ...optional('expiresAt', request.expiresAt),
    ...optional('endedAt', request.endedAt),
    revocationPending: request.status === 'active' && request.revocation !== undefined,
    ...optional('revocationAttempts', request.revocation?.attempts),
    ...optional('revokedBy', request.revocation?.requestedBy),
    ...optional('revocationReason', request.revocation?.reason),
    ...optional('failureReason', request.grant?.failureReason),
    ...optional('link', link),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
