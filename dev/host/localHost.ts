import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
// NOTE: the package is CommonJS and Node's ESM loader does not see these classes as named
// exports, so they are taken from the default export.
import azureFunctions from '@azure/functions';

import type { FunctionDefinition } from '../../functions/functionDefinition.js';
import { createLogger } from '../../shared/logger.js';
import type { HttpRoute } from './httpBridge.js';
import { serveHttp } from './httpBridge.js';
import { parseSchedule } from './ncrontab.js';
import { startQueueTrigger } from './queueTrigger.js';
import { compileRoute } from './routeTemplate.js';

const { InvocationContext } = azureFunctions;

/** How to run the local host. */
export interface LocalHostOptions {
  readonly functions: readonly FunctionDefinition[];
  /** Port for HTTP functions; 7071 like the Core Tools, 0 for any free port. */
  readonly port: number;
  /** Connection string of the storage account that queue triggers read. */
  readonly storageConnection: string;
  /** Whether timers fire on their schedules and queues are polled (tests drive them by hand). */
  readonly automatic: boolean;
  readonly queuePollIntervalInMs?: number;
}

/** A running local host. */
export interface LocalHost {
  /** Base URL of HTTP functions, e.g. `http://localhost:7071/api`. */
  readonly apiUrl: string;
  /** Runs a timer function now, as the host would on its schedule. */
  runTimer(name: string): Promise<void>;
  /** Processes queue messages until no queue has a visible one. */
  drainQueues(): Promise<void>;
  close(): Promise<void>;
}

const log = createLogger('host');

/**
 * Serves the function definitions of `functions/` the way the Azure Functions host does: HTTP
 * functions on `/api/<route>`, queue triggers with dequeue counts and a poison queue, and timers
 * on their NCRONTAB schedules. One code path: the handlers are the ones Azure runs.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const routes: HttpRoute[] = [];
  const queues: ReturnType<typeof startQueueTrigger>[] = [];
  const timers = new Map<string, () => Promise<void>>();
  const stopTimers: (() => void)[] = [];

  for (const definition of options.functions) {
    if (definition.trigger === 'http') {
      const methods = (definition.options.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase());
      const route = compileRoute(definition.options.route ?? definition.name);
      routes.push({ name: definition.name, methods, route, options: definition.options });
    } else if (definition.trigger === 'queue') {
      const { handler, queueName } = definition.options;
      queues.push(
        startQueueTrigger({
          autoStart: options.automatic,
          connectionString: options.storageConnection,
          queueName,
          pollIntervalInMs: options.queuePollIntervalInMs ?? 250,
          handler: async (message, meta) => {
            const context = invocationContextFor(definition.name, {
              dequeueCount: meta.dequeueCount,
            });
            await handler(message, context);
          },
          onError: (error, meta) =>
            log.warn('Queue function failed; the message will be retried', {
              function: definition.name,
              dequeueCount: meta.dequeueCount,
              error: error.message,
            }),
        }),
      );
    } else {
      const { handler, schedule } = definition.options;
      const run = async () => {
        const now = new Date().toISOString();
        const timer = {
          isPastDue: false,
          schedule: { adjustForDST: false },
          scheduleStatus: { last: now, next: now, lastUpdated: now },
        };
        await handler(timer, invocationContextFor(definition.name, {}));
      };
      timers.set(definition.name, run);
      if (options.automatic) {
        stopTimers.push(scheduleTimer(definition.name, schedule, run));
      }
    }
  }

  let origin = 'http://localhost';
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (incoming, outgoing) => {
    // The origin is our own, never the caller's Host header.
    void serveHttp(routes, incoming, outgoing, origin);
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://localhost:${port}`;

  return {
    apiUrl: `http://localhost:${port}/api`,
    async runTimer(name) {
      const run = timers.get(name);
      if (!run) {
        throw new Error(`No timer function named ${name}.`);
      }
      await run();
    },
    async drainQueues() {
      for (let round = 0; round < 3; round++) {
        for (const queue of queues) {
          await queue.drain();
        }
      }
    },
    async close() {
      stopTimers.forEach((stop) => stop());
      await Promise.all(queues.map((queue) => queue.stop()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function invocationContextFor(functionName: string, triggerMetadata: Record<string, unknown>) {
  return new InvocationContext({ invocationId: randomUUID(), functionName, triggerMetadata });
}

/** Fires `run` on the schedule until the returned function is called. */
function scheduleTimer(name: string, expression: string, run: () => Promise<void>): () => void {
  const schedule = parseSchedule(expression);
  let pending: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) {
      return;
    }
    const delay = schedule.next(new Date()).getTime() - Date.now();
    pending = setTimeout(() => {
      run()
        .catch((caught: unknown) =>
          log.error('Timer function failed', { function: name, error: String(caught) }),
        )
        .finally(arm);
    }, delay);
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(pending);
  };
}
