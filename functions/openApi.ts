import { buildOpenApiDocument } from '../shared/http/openApi.js';
import { failure, jsonResponse } from '../shared/http/httpEndpoint.js';
import type { FunctionDefinition } from './functionDefinition.js';

let document: object | undefined;

/** `GET /api/openapi.json`: the API description, generated from the validating schemas. */
export const openApiFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'openApi',
  options: {
    methods: ['GET'],
    route: 'openapi.json',
    authLevel: 'anonymous',
    handler: async () => {
      try {
        document ??= buildOpenApiDocument();
        return jsonResponse(200, document);
      } catch (caught) {
        return failure(caught, '/api/openapi.json');
      }
    },
  },
};
