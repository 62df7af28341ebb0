import { getBroker } from '../shared/broker.js';
import { issueGrant } from '../shared/services/issueGrant.js';
import type { FunctionDefinition } from './functionDefinition.js';
import { grantJobOf, isFinalDelivery } from './grantJob.js';

/** Issues the grant of an approved request (queue `grant-issue`). */
export const issueGrantFunction: FunctionDefinition = {
  trigger: 'queue',
  name: 'issueGrant',
  options: {
    queueName: 'grant-issue',
    connection: 'AzureWebJobsStorage',
    handler: async (message, context) => {
      const { requestId } = grantJobOf(message);
      const broker = await getBroker();
      await issueGrant(broker.context, requestId, { finalAttempt: isFinalDelivery(context) });
    },
  },
};
