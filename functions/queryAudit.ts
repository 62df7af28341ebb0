import { queryAudit } from '../shared/services/queryAudit.js';
import { authenticatedEndpoint } from '../shared/http/httpEndpoint.js';
import { auditQuerySchema } from '../shared/http/schemas.js';
import { ValidationError } from '../shared/domain/errors.js';
import { formatResourceId, parseResourceId } from '../shared/domain/resourceId.js';
import type { FunctionDefinition } from './functionDefinition.js';

const defaultWindowInMs = 30 * 24 * 3600 * 1000;
const maxWindowInMs = 366 * 24 * 3600 * 1000;

/** `GET /api/audit`: audit records for auditors, oldest first, with continuation tokens. */
export const queryAuditFunction: FunctionDefinition = {
  trigger: 'http',
  name: 'queryAudit',
  options: {
    methods: ['GET'],
    route: 'audit',
    authLevel: 'anonymous',
    handler: authenticatedEndpoint({
      query: auditQuerySchema,
      run: async ({ broker, caller, query }) => {
        const to = query.to ? new Date(query.to) : broker.context.clock.now();
        const from = query.from ? new Date(query.from) : new Date(to.getTime() - defaultWindowInMs);
        if (from > to || to.getTime() - from.getTime() > maxWindowInMs) {
          throw new ValidationError('The time range is empty or longer than a year.', [
            { field: 'query.from', message: 'must be before `to` and at most 366 days earlier' },
          ]);
        }
        const filter = {
          from,
          to,
          ...(query.actor === undefined ? {} : { actorId: query.actor.toLowerCase() }),
          ...(query.vmId === undefined
            ? {}
            : {
                vmId: formatResourceId(parseResourceId(query.vmId, 'virtualMachine', 'query.vmId')),
              }),
          ...(query.requestId === undefined ? {} : { requestId: query.requestId }),
          ...(query.action === undefined ? {} : { action: query.action }),
        };
        const page = await queryAudit(broker.context, caller, filter, query);
        return {
          status: 200,
          json: { items: page.items, continuationToken: page.continuationToken },
        };
      },
    }),
  },
};
