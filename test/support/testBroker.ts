import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { EmbeddedDefault } from '../../dev/embeddedDefault.js';
import { seededPolicyPath, startEmbeddedDefault } from '../../dev/embeddedDefault.js';
import { estateIds } from '../../dev/seed.js';
import { getBroker } from '../../shared/broker.js';
import { ManualClock } from '../../shared/domain/clock.js';
import type { BrokerContext } from '../../shared/services/brokerContext.js';
import type { LinkGateway } from '../../shared/services/ports/linkGateway.js';
import { setLogSink } from '../../shared/logger.js';

/** An HTTP answer as tests look at it. */
export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown> & { items?: Record<string, unknown>[] };
}

/** What a test may send. */
export interface ApiCall {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is, instead of `body` serialised. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

/** The broker on the embedded default, driven by hand: a manual clock, no automatic triggers. */
export interface TestBroker {
  readonly running: EmbeddedDefault;
  readonly clock: ManualClock;
  /** Calls the broker's HTTP API; `path` is relative to `/api`. */
  call(method: string, path: string, call?: ApiCall): Promise<ApiAnswer>;
  /** An access token for a seeded user. */
  tokenFor(alias: string): Promise<string>;
  /** The broker's use-case context, as the functions see it. */
  context(): Promise<BrokerContext>;
  /** Processes every visible queue message, as the Functions host would. */
  drainQueues(): Promise<void>;
  /** Runs the every-minute sweep now. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** A policy document derived from the seeded one. */
export function seededPolicyWith(ruleChanges: Record<string, unknown>): object {
  const policy = JSON.parse(readFileSync(seededPolicyPath, 'utf8')) as {
    rules: Record<string, unknown>[];
  };
  return { ...policy, rules: policy.rules.map((rule) => ({ ...rule, ...ruleChanges })) };
}

/** Starts the embedded default on free ports, optionally with another policy. */
export async function startTestBroker(options: { policy?: object } = {}): Promise<TestBroker> {
  if (!process.env.BROKER_TEST_LOGS) {
    // Expected retries and sweeps would drown the test report; BROKER_TEST_LOGS=1 shows them.
    setLogSink(() => undefined);
  }
  const clock = new ManualClock(new Date());
  const policyPath = options.policy ? await writePolicy(options.policy) : undefined;
  const running = await startEmbeddedDefault({
    ports: { functions: 0, azure: 0, cosmos: 0, storage: 0 },
    automatic: false,
    clock,
    ...(policyPath ? { policyPath } : {}),
  });
  const tokens = new Map<string, string>();

  return {
    running,
    clock,
    async call(method, path, call = {}) {
      const headers = new Headers(call.headers);
      if (call.token) {
        headers.set('authorization', `Bearer ${call.token}`);
      }
      const body =
        call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
      if (body !== undefined && !headers.has('content-type')) {
        headers.set('content-type', 'application/json');
      }
      const response = await fetch(`${running.host.apiUrl}${path}`, { method, headers, body });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        json: text ? JSON.parse(text) : {},
      };
    },
    async tokenFor(alias) {
      const known = tokens.get(alias);
      if (known) {
        return known;
      }
      const token = await running.azure.issueUserToken(alias);
      tokens.set(alias, token);
      return token;
    },
    async context() {
      return (await getBroker()).context;
    },
    drainQueues: () => running.host.drainQueues(),
    sweep: () => running.host.runTimer('sweep'),
    close: () => running.close(),
  };
}

/** A valid body for `POST /api/requests` on the seeded Linux VM. */
export function aRequestBody(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vmId: estateIds.linuxVm,
    access: 'link',
    protocol: 'ssh',
    duration: 'PT1H',
    justification: 'Investigate the failing nightly job',
    ...changes,
  };
}

async function writePolicy(policy: object): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'bastion-jit-policy-'));
  const path = join(directory, 'policy.json');
  await writeFile(path, JSON.stringify(policy));
  return path;
}

/** Files a request as `requester` and returns its id. */
export async function aPendingRequest(
  broker: TestBroker,
  requester = 'alice',
  changes: Record<string, unknown> = {},
): Promise<string> {
  const answer = await broker.call('POST', '/requests', {
    token: await broker.tokenFor(requester),
    body: aRequestBody(changes),
  });
  if (answer.status !== 201) {
    throw new Error(`Creating a request answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  }
  return answer.json.id as string;
}

/** Files, approves (as carol) and issues a request; returns its id once it is active. */
export async function anActiveGrant(
  broker: TestBroker,
  requester = 'alice',
  changes: Record<string, unknown> = {},
): Promise<string> {
  const id = await aPendingRequest(broker, requester, changes);
  const approval = await broker.call('POST', `/requests/${id}/approve`, {
    token: await broker.tokenFor('carol'),
    body: {},
  });
  if (approval.status !== 200) {
    throw new Error(`Approving answered ${approval.status}: ${JSON.stringify(approval.json)}`);
  }
  await broker.drainQueues();
  return id;
}

/** The context with some of its link gateway's methods replaced. */
export function withLinks(context: BrokerContext, overrides: Partial<LinkGateway>): BrokerContext {
  const links = context.links;
  const gateway: LinkGateway = {
    createLink: (host, vm) => links.createLink(host, vm),
    getLink: (host, vm) => links.getLink(host, vm),
    listLinks: (host) => links.listLinks(host),
    deleteLink: (host, vm, url) => links.deleteLink(host, vm, url),
    listSessions: (host) => links.listSessions(host),
    disconnectSessions: (host, ids) => links.disconnectSessions(host, ids),
    ...overrides,
  };
  return { ...context, links: gateway };
}

/** A request as `alias` reads it through the API (alice by default). */
export async function viewRequest(
  broker: TestBroker,
  id: string,
  alias = 'alice',
): Promise<ApiAnswer['json']> {
  return (await broker.call('GET', `/requests/${id}`, { token: await broker.tokenFor(alias) }))
    .json;
}
