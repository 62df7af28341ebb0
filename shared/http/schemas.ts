import './openApiZod.js';
import { z } from 'zod';
import { requestStatuses } from '../domain/accessRequest.js';
import { auditActions } from '../domain/auditEvent.js';
import { safeText } from './safeText.js';

/** A request id in a path. */
export const requestIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a request id');

/** Body of `POST /api/requests`. */
export const createRequestBodySchema = z
  .object({
    vmId: z.string().min(1).max(512).describe('ARM resource id of the virtual machine'),
    access: z.enum(['link', 'tunnel']),
    protocol: z.enum(['ssh', 'rdp']),
    duration: z.string().min(1).max(32).describe('ISO-8601 duration, e.g. PT2H'),
    justification: safeText(10, 1000),
    ticket: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:#/-]{0,63}$/, 'letters, digits and _ . : # / -')
      .optional(),
  })
  .strict();

/** Body of `POST /api/requests/{id}/approve`. */
export const approveBodySchema = z.object({ comment: safeText(1, 1000).optional() }).strict();

/** Body of `POST /api/requests/{id}/deny`. */
export const denyBodySchema = z.object({ reason: safeText(3, 1000) }).strict();

/** Body of `POST /api/requests/{id}/revoke`. */
export const revokeBodySchema = z.object({ reason: safeText(1, 1000).optional() }).strict();

/** Body of `POST /api/requests/{id}/cancel`: nothing, or an empty object. */
export const cancelBodySchema = z.object({}).strict();

const limitSchema = z.coerce.number().int().min(1).max(100).default(25);
const continuationSchema = z.string().min(1).max(4096).optional();

/** Query of `GET /api/requests`. */
export const listRequestsQuerySchema = z
  .object({
    scope: z.enum(['mine', 'approvable']).default('mine'),
    limit: limitSchema,
    continuationToken: continuationSchema,
  })
  .strict();

/** Query of `GET /api/audit`. */
export const auditQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    actor: z
      .string()
      .regex(/^([0-9a-fA-F-]{36}|system)$/, 'an object id or "system"')
      .optional(),
    vmId: z.string().min(1).max(512).optional(),
    requestId: requestIdSchema.optional(),
    action: z.enum(auditActions).optional(),
    limit: limitSchema,
    continuationToken: continuationSchema,
  })
  .strict();

const decisionSchema = z.object({
  approverId: z.string(),
  decidedAt: z.string(),
  comment: z.string().optional(),
  reason: z.string().optional(),
});

/** An access request as the API shows it. */
export const requestViewSchema = z.object({
  id: z.string(),
  requesterId: z.string(),
  vmId: z.string(),
  access: z.enum(['link', 'tunnel']),
  protocol: z.enum(['ssh', 'rdp']),
  duration: z.string(),
  justification: z.string(),
  ticket: z.string().optional(),
  status: z.enum(requestStatuses),
  approvalsRequired: z.number().int(),
  approvals: z.array(decisionSchema),
  denial: decisionSchema.optional(),
  createdAt: z.string(),
  decideBy: z.string(),
  approvedAt: z.string().optional(),
  activatedAt: z.string().optional(),
  expiresAt: z.string().optional(),
  endedAt: z.string().optional(),
  revocationPending: z.boolean(),
  revocationAttempts: z.number().int().optional(),
  revokedBy: z.string().optional().describe('Who asked for the grant to end, or "system"'),
  revocationReason: z.string().optional(),
  failureReason: z.string().optional(),
  link: z.string().optional().describe('The shareable link: only for the requester, while active'),
});

/** One page of requests. */
export const requestPageSchema = z.object({
  items: z.array(requestViewSchema),
  continuationToken: z.string().optional(),
});

/** One audit record as the API shows it. */
export const auditRecordSchema = z.object({
  id: z.string(),
  time: z.string(),
  action: z.enum(auditActions),
  actorId: z.string(),
  vmId: z.string().optional(),
  requestId: z.string().optional(),
  message: z.string(),
  details: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .optional(),
  chain: z.string(),
  sequence: z.number().int(),
  previousHash: z.string(),
  hash: z.string(),
});

/** One page of audit records. */
export const auditPageSchema = z.object({
  items: z.array(auditRecordSchema),
  continuationToken: z.string().optional(),
});

/** An RFC 9457 problem document. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** Body of `GET /api/health`. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  dependencies: z.record(z.string(), z.object({ status: z.enum(['ok', 'unavailable']) })),
});

/** Path parameters of `/api/requests/{id}/...`. */
export const requestIdParams = { id: requestIdSchema };
