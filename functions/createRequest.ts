import { createRequest } from '../shared/services/createRequest.js';
import { authenticatedEndpoint } from '../shared/http/httpEndpoint.js';
import { toRequestView } from '../shared/http/requestView.js';
import { createRequestBodySchema } from '../shared/http/schemas.js';
import type { FunctionDefinition } from './functionDefinition.js';

/** `POST /api/requests`: a requester asks for access. */
export const createRequestFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'createRequest',
  options: {
    methods: ['POST'],
    route: 'requests',
    authLevel: 'anonymous',
    handler: authenticatedEndpoint({
      body: createRequestBodySchema,
      run: async ({ broker, caller, body }) => {
        const request = await createRequest(broker.context, caller, body);
        return {
          status: 201,
          json: toRequestView(request),
          headers: { location: `/api/requests/${request.id}` },
        };
      },
    }),
  },
};
