import { getBroker } from '../shared/broker.js';
import { revokeGrant } from '../shared/services/revokeGrant.js';
import type { FunctionDefinition } from './functionDefinition.js';
import { grantJobOf } from './grantJob.js';

/** Removes a grant at its end or on revocation (queue `grant-revoke`). */
export const revokeGrantFunction: FunctionDefinition = {
  trigger: 'queue',
  name: 'revokeGrant',
  options: {
    queueName: 'grant-revoke',
    connection: 'AzureWebJobsStorage',
    handler: async (message) => {
      const { requestId } = grantJobOf(message);
      await revokeGrant((await getBroker()).context, requestId);
    },
  },
};
