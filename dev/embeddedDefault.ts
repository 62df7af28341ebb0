import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../shared/domain/clock.js';
import { allFunctions } from '../functions/allFunctions.js';
import { resetBroker } from '../shared/broker.js';
import { startAzurite } from './azurite.js';
import { ensureDevCertificates, localStateDirectory } from './certificates.js';
import { startCosmosEmulator } from './cosmos.js';
import type { AzureEmulator } from './emulator/azureEmulator.js';
import { startAzureEmulator } from './emulator/azureEmulator.js';
import type { LocalHost } from './host/localHost.js';
import { startLocalHost } from './host/localHost.js';
import { apiClientId, brokerIdentity, tenantId } from './seed.js';

/** The ports of the embedded default; 0 everywhere picks free ports (tests). */
export interface EmbeddedDefaultPorts {
  readonly functions: number;
  readonly azure: number;
  readonly cosmos: number;
  readonly storage: number;
}

/** The ports `npm start` uses: the Core Tools' 7071, then the emulators' usual ones. */
export const standardPorts: EmbeddedDefaultPorts = {
  functions: 7071,
  azure: 7443,
  cosmos: 8081,
  storage: 10001,
};

/** How to start the embedded default. */
export interface EmbeddedDefaultOptions {
  readonly ports: EmbeddedDefaultPorts;
  /** Access policy file; the seeded one by default. */
  readonly policyPath?: string;
  /** Whether timers fire on schedule and queues are polled (tests drive both by hand). */
  readonly automatic: boolean;
  /** The broker's source of time; the machine's clock by default. */
  readonly clock?: Clock;
}

/** A running embedded default: the broker on the local host and everything it talks to. */
export interface EmbeddedDefault {
  readonly host: LocalHost;
  readonly azure: AzureEmulator;
  readonly cosmosEndpoint: string;
  readonly storageConnection: string;
  close(): Promise<void>;
}

/** The seeded access policy. */
export const seededPolicyPath = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  'policy',
  'policy.json',
);

/**
 * Starts, in this process, the Azure emulator (ARM, Graph, Entra), Cosmos DB, Azurite queues and
 * the local Functions host serving every function of `functions/`, wired by settings alone.
 */
export async function startEmbeddedDefault(
  options: EmbeddedDefaultOptions,
): Promise<EmbeddedDefault> {
  const tls = await ensureDevCertificates();
  const azure = await startAzureEmulator({ port: options.ports.azure, tls });
  const cosmos = await startCosmosEmulator({ port: options.ports.cosmos, tls });
  const storage = await startAzurite({
    port: options.ports.storage,
    location: join(localStateDirectory, 'azurite'),
  });

  Object.assign(process.env, {
    BROKER_TENANT_ID: tenantId,
    BROKER_API_CLIENT_ID: apiClientId,
    BROKER_AUTHORITY_HOST: azure.url,
    BROKER_ARM_ENDPOINT: azure.url,
    BROKER_GRAPH_ENDPOINT: azure.url,
    BROKER_CLIENT_ID: brokerIdentity.clientId,
    BROKER_CLIENT_SECRET: brokerIdentity.clientSecret,
    BROKER_COSMOS_ENDPOINT: cosmos.endpoint,
    BROKER_COSMOS_KEY: cosmos.key,
    AzureWebJobsStorage: storage.connectionString,
    BROKER_POLICY_PATH: options.policyPath ?? seededPolicyPath,
  });
  await resetBroker({ clock: options.clock });

  const host = await startLocalHost({
    functions: allFunctions,
    port: options.ports.functions,
    storageConnection: storage.connectionString,
    automatic: options.automatic,
  });

  return {
    host,
    azure,
    cosmosEndpoint: cosmos.endpoint,
    storageConnection: storage.connectionString,
    async close() {
      await host.close();
      await resetBroker({ clock: options.clock });
      await Promise.all([azure.close(), cosmos.close(), storage.close()]);
    },
  };
}
