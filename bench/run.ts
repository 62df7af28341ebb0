import { performance } from 'node:perf_hooks';
import type { TestBroker } from '../test/support/testBroker.js';
import { aPendingRequest, startTestBroker } from '../test/support/testBroker.js';

/**
 * `npm run bench`: lifecycle throughput and request-to-grant latency on the embedded default,
 * reported as ratios against a baseline measured in the same run (an authenticated read of one
 * request, the cheapest call that goes through the same host, token check and Cosmos DB).
 */
const lifecycles = Number(process.env.BENCH_LIFECYCLES ?? 20);

async function time(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function oneLifecycle(broker: TestBroker): Promise<{ toGrant: number; total: number }> {
  const started = performance.now();
  const id = await aPendingRequest(broker);
  await broker.call('POST', `/requests/${id}/approve`, {
    token: await broker.tokenFor('carol'),
    body: {},
  });
  await broker.drainQueues();
  const toGrant = performance.now() - started;
  await broker.call('POST', `/requests/${id}/revoke`, { token: await broker.tokenFor('alice') });
  await broker.drainQueues();
  return { toGrant, total: performance.now() - started };
}

const broker = await startTestBroker();
try {
  const alice = await broker.tokenFor('alice');
  const probeId = await aPendingRequest(broker);
  const read = () => broker.call('GET', `/requests/${probeId}`, { token: alice });
  await oneLifecycle(broker);
  await read();

  const baseline: number[] = [];
  const toGrant: number[] = [];
  const total: number[] = [];
  const armCallsBefore = broker.running.azure.calls().length;
  for (let round = 0; round < lifecycles; round++) {
    baseline.push(await time(read));
    const sample = await oneLifecycle(broker);
    toGrant.push(sample.toGrant);
    total.push(sample.total);
  }
  const armCalls = (broker.running.azure.calls().length - armCallsBefore) / lifecycles;

  const base = median(baseline);
  console.log(`lifecycles: ${lifecycles}`);
  console.log(`baseline (GET one request), median: ${base.toFixed(1)} ms`);
  console.log(
    `request to grant, median: ${median(toGrant).toFixed(1)} ms (${(median(toGrant) / base).toFixed(1)}x baseline)`,
  );
  console.log(
    `whole lifecycle, median: ${median(total).toFixed(1)} ms (${(median(total) / base).toFixed(1)}x baseline)`,
  );
  console.log(`throughput: ${(1000 / median(total)).toFixed(2)} lifecycles/s, one at a time`);
  console.log(`ARM and Graph calls per lifecycle: ${armCalls.toFixed(1)}`);
} finally {
  await broker.close();
}
