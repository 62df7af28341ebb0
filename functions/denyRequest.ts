import { decideRequest } from '../shared/services/decideRequest.js';
import { authenticatedEndpoint } from '../shared/http/httpEndpoint.js';
import { toRequestView } from '../shared/http/requestView.js';
import { denyBodySchema, requestIdParams } from '../shared/http/schemas.js';
import type { FunctionDefinition } from './functionDefinition.js';

/** `POST /api/requests/{id}/deny`. */
export const denyRequestFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'denyRequest',
  options: {
    methods: ['POST'],
    route: 'requests/{id}/deny',
    authLevel: 'anonymous',
    handler: authenticatedEndpoint({
      params: requestIdParams,
      body: denyBodySchema,
      run: async ({ broker, caller, params, body }) => {
        const verdict = { kind: 'deny' as const, reason: body.reason };
        const request = await decideRequest(broker.context, caller, params.id as string, verdict);
        return { status: 200, json: toRequestView(request) };
      },
    }),
  },
};
