import { revokeRequest } from '../shared/services/revokeRequest.js';
import { authenticatedEndpoint } from '../shared/http/httpEndpoint.js';
import { toRequestView } from '../shared/http/requestView.js';
import { requestIdParams, revokeBodySchema } from '../shared/http/schemas.js';
import type { FunctionDefinition } from './functionDefinition.js';

/** `POST /api/requests/{id}/revoke`: accepted at once, carried out asynchronously. */
export const revokeRequestFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'revokeRequest',
  options: {
    methods: ['POST'],
    route: 'requests/{id}/revoke',
    authLevel: 'anonymous',
    handler: authenticatedEndpoint({
      params: requestIdParams,
      body: revokeBodySchema,
      run: async ({ broker, caller, params, body }) => {
        const id = params.id as string;
        const request = await revokeRequest(broker.context, caller, id, body.reason);
        return { status: 202, json: toRequestView(request) };
      },
    }),
  },
};
