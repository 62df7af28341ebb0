import './openApiZod.js';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  approveBodySchema,
  auditPageSchema,
  auditQuerySchema,
  createRequestBodySchema,
  denyBodySchema,
  healthSchema,
  listRequestsQuerySchema,
  problemSchema,
  requestIdSchema,
  requestPageSchema,
  requestViewSchema,
  revokeBodySchema,
} from './schemas.js';

type Method = 'get' | 'post';

/** The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas that validate. */
export function buildOpenApiDocument(): object {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'entraBearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Entra ID v2 access token for the broker API',
  });
  const problem = registry.register('Problem', problemSchema);
  const requestView = registry.register('AccessRequest', requestViewSchema);
  const idParams = z.object({ id: requestIdSchema });
  const problems = {
    400: problemResponse(problem, 'Invalid input'),
    401: problemResponse(problem, 'Missing or invalid token'),
    403: problemResponse(problem, 'Not allowed'),
    404: problemResponse(problem, 'No such request'),
    409: problemResponse(problem, 'Conflicts with the current state'),
    503: problemResponse(problem, 'A dependency is unavailable; retry after Retry-After'),
  };
  const security = [{ [bearer.name]: [] }];

  const path = (method: Method, route: string, summary: string, extra: object) =>
    registry.registerPath({ method, path: route, summary, security, ...extra } as never);

  path('post', '/api/requests', 'Ask for access to a VM', {
    request: { body: jsonBody(createRequestBodySchema) },
    responses: { 201: json('The request, pending approval', requestView), ...problems },
  });
  path('get', '/api/requests', 'List my requests, or those I may approve, newest first', {
    request: { query: listRequestsQuerySchema },
    responses: { 200: json('One page of requests', requestPageSchema), ...problems },
  });
  path('get', '/api/requests/{id}', 'Read a request (the link only to its requester)', {
    request: { params: idParams },
    responses: { 200: json('The request', requestView), ...problems },
  });
  const actions: [string, string, z.ZodType | undefined, number][] = [
    ['approve', 'Approve a pending request', approveBodySchema, 200],
    ['deny', 'Deny a pending request', denyBodySchema, 200],
    ['cancel', 'Withdraw my pending or approved request', undefined, 200],
    ['revoke', 'End an active grant now', revokeBodySchema, 202],
  ];
  for (const [action, summary, body, status] of actions) {
    path('post', `/api/requests/{id}/${action}`, summary, {
      request: { params: idParams, ...(body ? { body: jsonBody(body) } : {}) },
      responses: { [status]: json('The request after the action', requestView), ...problems },
    });
  }
  path('get', '/api/audit', 'Query the audit trail, oldest first (Audit.Read)', {
    request: { query: auditQuerySchema },
    responses: { 200: json('One page of audit records', auditPageSchema), ...problems },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/health',
    summary: 'Liveness and dependency readiness',
    responses: { 200: json('Healthy', healthSchema), 503: json('Degraded', healthSchema) },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Bastion JIT',
      version: '1.0.0',
      description: 'Just-in-time access to virtual machines behind Azure Bastion.',
    },
  });
}

function json(description: string, schema: z.ZodType) {
  return { description, content: { 'application/json': { schema } } };
}

function jsonBody(schema: z.ZodType) {
  return { required: true, content: { 'application/json': { schema } } };
}

function problemResponse(schema: z.ZodType, description: string) {
  return { description, content: { 'application/problem+json': { schema } } };
}
