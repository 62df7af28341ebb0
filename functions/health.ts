import { getBroker } from '../shared/broker.js';
import { failure, jsonResponse } from '../shared/http/httpEndpoint.js';
import type { FunctionDefinition } from './functionDefinition.js';

/** `GET /api/health`: liveness, and whether each dependency answers. */
export const healthFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'health',
  options: {
    methods: ['GET'],
    route: 'health',
    authLevel: 'anonymous',
    handler: async () => {
      try {
        const report = await (await getBroker()).checkHealth();
        return jsonResponse(report.status === 'ok' ? 200 : 503, report);
      } catch (caught) {
        return failure(caught, '/api/health');
      }
    },
  },
};
