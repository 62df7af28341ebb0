import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { BastionLinkGateway } from './adapters/arm/bastionLinkGateway.js';
import { createAzureCredential } from './adapters/arm/azureCredential.js';
import { CosmosAuditLog } from './adapters/cosmos/cosmosAuditLog.js';
import type { BrokerDatabase } from './adapters/cosmos/cosmosDatabase.js';
import { openBrokerDatabase } from './adapters/cosmos/cosmosDatabase.js';
import { CosmosDocumentStore } from './adapters/cosmos/cosmosDocumentStore.js';
import { EntraTokenValidator } from './adapters/entra/entraTokenValidator.js';
import { GraphDirectory } from './adapters/graph/graphDirectory.js';
import { StorageGrantQueue } from './adapters/storage/storageGrantQueue.js';
import type { BrokerSettings } from './config.js';
import { loadSettings } from './config.js';
import type { AccessRequest } from './domain/accessRequest.js';
import type { Clock } from './domain/clock.js';
import { systemClock } from './domain/clock.js';
import { randomIdGenerator } from './domain/ids.js';
import type { LinkLease } from './domain/linkLease.js';
import type { AccessPolicy } from './domain/policy.js';
import { parseAccessPolicy } from './domain/policy.js';
import { createLogger } from './logger.js';
import type { BrokerContext } from './services/brokerContext.js';

/** Health of the broker and of each dependency it needs to serve. */
export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly dependencies: Record<string, { readonly status: 'ok' | 'unavailable' }>;
}

/** The broker of one process: the use-case context, token validation and health. */
export interface Broker {
  readonly settings: BrokerSettings;
  readonly context: BrokerContext;
  readonly tokens: EntraTokenValidator;
  checkHealth(): Promise<HealthReport>;
  close(): Promise<void>;
}

/** What the host may choose about the broker beyond settings: the source of time. */
export interface BrokerOptions {
  readonly clock?: Clock;
}

const log = createLogger('broker');
let current: Promise<Broker> | undefined;
let options: BrokerOptions = {};

/** The process's broker, built on first use from the settings (app settings in Azure). */
export function getBroker(): Promise<Broker> {
  current ??= createBroker(loadSettings(), options).catch((caught: unknown) => {
    current = undefined;
    throw caught;
  });
  return current;
}

/** Drops the process's broker and builds the next one with `next` (local host and tests). */
export async function resetBroker(next: BrokerOptions = {}): Promise<void> {
  options = next;
  const previous = current;
  current = undefined;
  if (previous) {
    await (await previous).close();
  }
}

/** Wires the adapters to the services. Every adapter points at Azure or the emulator by settings. */
export async function createBroker(
  settings: BrokerSettings,
  { clock = systemClock }: BrokerOptions = {},
): Promise<Broker> {
  const policy = await loadPolicy(settings.policyPath);
  const credential = createAzureCredential({
    tenantId: settings.tenantId,
    authorityHost: settings.authorityHost,
    ...settings.clientCredentials,
  });
  const database = await openBrokerDatabase(
    settings.cosmos.key
      ? { endpoint: settings.cosmos.endpoint, key: settings.cosmos.key }
      : { endpoint: settings.cosmos.endpoint, aadCredentials: credential },
  );
  const queue = await StorageGrantQueue.connect(settings.storageConnection, clock);
  const context: BrokerContext = {
    clock,
    ids: randomIdGenerator,
    policy,
    requests: new CosmosDocumentStore<AccessRequest>(database.requests),
    leases: new CosmosDocumentStore<LinkLease>(database.leases),
    audit: new CosmosAuditLog(database.audit, clock, randomIdGenerator),
    directory: new GraphDirectory(credential, { baseUrl: `${settings.graphEndpoint}/v1.0` }),
    links: new BastionLinkGateway(credential, { endpoint: settings.armEndpoint }),
    queue,
  };
  const tokens = new EntraTokenValidator({
    issuer: settings.issuer,
    audience: settings.apiClientId,
    tenantId: settings.tenantId,
    jwksUri: `${settings.authorityHost}/${settings.tenantId}/discovery/v2.0/keys`,
  });

  await context.audit.append({
    action: 'policy.loaded',
    actorId: 'system',
    message: `Loaded access policy version ${policy.version} with ${policy.rules.length} rule(s).`,
    details: { rules: policy.rules.length, sha256: await policyDigest(settings.policyPath) },
  });
  log.info('Broker ready', { rules: policy.rules.length });

  return {
    settings,
    context,
    tokens,
    checkHealth: () => checkHealth(database, queue),
    close: async () => database.close(),
  };
}

async function loadPolicy(path: string): Promise<AccessPolicy> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch (caught) {
    throw new Error(`Cannot read the access policy at ${path}.`, { cause: caught });
  }
  return parseAccessPolicy(document);
}

async function policyDigest(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function checkHealth(
  database: BrokerDatabase,
  queue: StorageGrantQueue,
): Promise<HealthReport> {
  const probe = async (check: () => Promise<unknown>) =>
    check().then(
      () => ({ status: 'ok' as const }),
      () => ({ status: 'unavailable' as const }),
    );
  const [cosmos, storage] = await Promise.all([
    probe(() => database.database.read()),
    probe(() => queue.checkReachable()),
  ]);
  const dependencies = { cosmos, storage };
  const healthy = Object.values(dependencies).every((dependency) => dependency.status === 'ok');
  return { status: healthy ? 'ok' : 'degraded', dependencies };
}
