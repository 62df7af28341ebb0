import { listRequests } from '../shared/services/listRequests.js';
import { authenticatedEndpoint } from '../shared/http/httpEndpoint.js';
import { toRequestView } from '../shared/http/requestView.js';
import { listRequestsQuerySchema } from '../shared/http/schemas.js';
import type { FunctionDefinition } from './functionDefinition.js';

/** `GET /api/requests?scope=mine|approvable`: lists requests, newest first. */
export const listRequestsFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'listRequests',
  options: {
    methods: ['GET'],
    route: 'requests',
    authLevel: 'anonymous',
    handler: authenticatedEndpoint({
      query: listRequestsQuerySchema,
      run: async ({ broker, caller, query }) => {
        const page = await listRequests(broker.context, caller, query.scope, query);
        const items = page.items.map((request) => toRequestView(request));
        return { status: 200, json: { items, continuationToken: page.continuationToken } };
      },
    }),
  },
};
