import { decideRequest } from '../shared/services/decideRequest.js';
import { authenticatedEndpoint } from '../shared/http/httpEndpoint.js';
import { toRequestView } from '../shared/http/requestView.js';
import { approveBodySchema, requestIdParams } from '../shared/http/schemas.js';
import type { FunctionDefinition } from './functionDefinition.js';

/** `POST /api/requests/{id}/approve`. */
export const approveRequestFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'approveRequest',
  options: {
    methods: ['POST'],
    route: 'requests/{id}/approve',
    authLevel: 'anonymous',
    handler: authenticatedEndpoint({
      params: requestIdParams,
      body: approveBodySchema,
      run: async ({ broker, caller, params, body }) => {
        const verdict = { kind: 'approve' as const, ...body };
        const request = await decideRequest(broker.context, caller, params.id as string, verdict);
        return { status: 200, json: toRequestView(request) };
      },
    }),
  },
};
