import { cancelRequest } from '../shared/services/cancelRequest.js';
import { authenticatedEndpoint } from '../shared/http/httpEndpoint.js';
import { toRequestView } from '../shared/http/requestView.js';
import { cancelBodySchema, requestIdParams } from '../shared/http/schemas.js';
import type { FunctionDefinition } from './functionDefinition.js';

/** `POST /api/requests/{id}/cancel`. */
export const cancelRequestFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'cancelRequest',
  options: {
    methods: ['POST'],
    route: 'requests/{id}/cancel',
    authLevel: 'anonymous',
    handler: authenticatedEndpoint({
      params: requestIdParams,
      body: cancelBodySchema,
      run: async ({ broker, caller, params }) => {
        const request = await cancelRequest(broker.context, caller, params.id as string);
        return { status: 200, json: toRequestView(request) };
      },
    }),
  },
};
