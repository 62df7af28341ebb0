import { getRequest } from '../shared/services/getRequest.js';
import { authenticatedEndpoint } from '../shared/http/httpEndpoint.js';
import { toRequestView } from '../shared/http/requestView.js';
import { requestIdParams } from '../shared/http/schemas.js';
import type { FunctionDefinition } from './functionDefinition.js';

/** `GET /api/requests/{id}`: reads one request. */
export const getRequestFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'getRequest',
  options: {
    methods: ['GET'],
    route: 'requests/{id}',
    authLevel: 'anonymous',
    handler: authenticatedEndpoint({
      params: requestIdParams,
      run: async ({ broker, caller, params }) => {
        const { request, link } = await getRequest(broker.context, caller, params.id as string);
        return { status: 200, json: toRequestView(request, link) };
      },
    }),
  },
};
