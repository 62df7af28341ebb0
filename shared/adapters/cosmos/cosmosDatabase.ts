import { CosmosClient } from '@azure/cosmos';
import type { Container, ContainerDefinition, Database, RetryOptions } from '@azure/cosmos';
import type { TokenCredential } from '@azure/core-auth';
import { UpstreamError } from '../../domain/errors.js';
import { toCosmosUpstreamError } from './cosmosFailure.js';

/** Default name of the broker's database. */
export const brokerDatabaseId = 'bastion-jit';

/**
 * `requests` — partition key `/id`. Every lifecycle transition is a point read of one request
 * by id followed by one conditional (ETag) replace of that same document, so putting each request
 * in its own logical partition makes the hot path single-partition reads and writes at the lowest
 * cost and spreads load evenly; listings (mine, approvable, sweep) are the rarer cross-partition
 * queries, served newest-first by the composite indexes on `createdAt` and `id` below.
 */
const requestsContainer: ContainerDefinition = {
  id: 'requests',
  partitionKey: { paths: ['/id'] },
  indexingPolicy: {
    compositeIndexes: [
      [
        { path: '/createdAt', order: 'ascending' },
        { path: '/id', order: 'ascending' },
      ],
      [
        { path: '/createdAt', order: 'descending' },
        { path: '/id', order: 'descending' },
      ],
    ],
  },
};

/**
 * `leases` — partition key `/id`. One lease document per VM (its id derived from the VM's
 * resource key) counts the grants that share the VM's link; every change is a conditional update
 * of exactly that document, so each lease is its own logical partition and never contends with
 * another VM's.
 */
const leasesContainer: ContainerDefinition = {
  id: 'leases',
  partitionKey: { paths: ['/id'] },
};

/**
 * `audit` — partition key `/chain`. The trail is one hash chain per UTC month, appended strictly
 * in sequence and read back in sequence (by verify and by auditors, oldest first), so a month is
 * one logical partition: appends find the chain's tail and queries page through a month with
 * single-partition queries. A month of audit records stays far below the 20 GB partition limit.
 * The composite index serves the look-up of the previous month's last record.
 */
const auditContainer: ContainerDefinition = {
  id: 'audit',
  partitionKey: { paths: ['/chain'] },
  indexingPolicy: {
    compositeIndexes: [
      [
        { path: '/chain', order: 'descending' },
        { path: '/sequence', order: 'descending' },
      ],
    ],
  },
};

/** The containers of the broker's database, as they are created (infra/ must declare the same). */
export const brokerContainerDefinitions = {
  requests: requestsContainer,
  leases: leasesContainer,
  audit: auditContainer,
} as const;

/** How to reach the Cosmos DB account: a key for the emulator, or Entra ID for Azure. */
export type CosmosConnectionSettings = {
  readonly endpoint: string;
  /** Database name; `bastion-jit` unless told otherwise. */
  readonly databaseId?: string;
  /**
   * Create the database and containers if missing. Defaults to true with a key and false with
   * Entra ID, because data-plane RBAC cannot create them (infra/ does).
   */
  readonly createIfMissing?: boolean;
  /** How the SDK retries throttled (429) calls before giving up. */
  readonly retryOptions?: RetryOptions;
} & (
  | { readonly key: string; readonly aadCredentials?: undefined }
  | { readonly aadCredentials: TokenCredential; readonly key?: undefined }
);

/** The broker's containers, ready to use. */
export interface BrokerDatabase {
  readonly client: CosmosClient;
  readonly database: Database;
  readonly requests: Container;
  readonly leases: Container;
  readonly audit: Container;
  /** Releases the client's connections and timers. */
  close(): void;
}

/** Retry throttled calls a few times, but fail within seconds so callers fail closed. */
const defaultRetryOptions: RetryOptions = { maxRetryAttemptCount: 5, maxWaitTimeInSeconds: 10 };

/** Connects to the account and makes sure the broker's database and containers are there. */
export async function openBrokerDatabase(
  settings: CosmosConnectionSettings,
): Promise<BrokerDatabase> {
  const client = new CosmosClient({
    endpoint: settings.endpoint,
    ...(settings.key !== undefined
      ? { key: settings.key }
      : { aadCredentials: settings.aadCredentials }),
    connectionPolicy: { retryOptions: { ...defaultRetryOptions, ...settings.retryOptions } },
  });

  try {
    const createIfMissing = settings.createIfMissing ?? settings.key !== undefined;
    const databaseId = settings.databaseId ?? brokerDatabaseId;
    const database = createIfMissing
      ? await createDatabase(client, databaseId)
      : await verifyDatabase(client, databaseId);
    const open = (definition: ContainerDefinition) =>
      createIfMissing
        ? createContainer(database, definition)
        : verifyContainer(database, definition);
    const [requests, leases, audit] = await Promise.all([
      open(brokerContainerDefinitions.requests),
      open(brokerContainerDefinitions.leases),
      open(brokerContainerDefinitions.audit),
    ]);
    return { client, database, requests, leases, audit, close: () => client.dispose() };
  } catch (caught) {
    client.dispose();
    throw caught instanceof UpstreamError
      ? caught
      : toCosmosUpstreamError(caught, 'open the broker database');
  }
}

async function createDatabase(client: CosmosClient, id: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id });
  return database;
}

async function verifyDatabase(client: CosmosClient, id: string): Promise<Database> {
  const database = client.database(id);
  await database.read();
  return database;
}

async function createContainer(
  database: Database,
  definition: ContainerDefinition,
): Promise<Container> {
  const { container } = await database.containers.createIfNotExists(definition);
  return container;
}

async function verifyContainer(
  database: Database,
  definition: ContainerDefinition,
): Promise<Container> {
  const container = database.container(definition.id as string);
  const { resource } = await container.read();
  const paths = resource?.partitionKey?.paths ?? [];
  if (paths.join() !== definition.partitionKey?.paths?.join()) {
    throw new UpstreamError(
      'cosmos',
      `Container ${definition.id} is partitioned by ${paths.join() || 'nothing'}, ` +
        `not ${definition.partitionKey?.paths?.join()}; recreate it from infra/.`,
    );
  }
  return container;
}
