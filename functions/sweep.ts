import { getBroker } from '../shared/broker.js';
import { sweep } from '../shared/services/sweep.js';
import type { FunctionDefinition } from './functionDefinition.js';

/** Every minute: time out, expire, re-queue and reconcile (see shared/services/sweep.ts). */
export const sweepFunction: FunctionDefinition = {
  trigger: 'timer',
  name: 'sweep',
  options: {
    schedule: '0 */1 * * * *',
    runOnStartup: false,
    handler: async () => {
      await sweep((await getBroker()).context);
    },
  },
};
