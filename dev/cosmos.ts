import type { AddressInfo } from 'node:net';
import { createHttpsServer } from '@vercel/cosmosdb-server';

/** Where to serve the local Cosmos DB emulator, and with which loopback TLS material. */
export interface CosmosEmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  readonly tls: { readonly certPem: string; readonly keyPem: string };
}

/** A running Cosmos DB emulator. */
export interface CosmosEmulator {
  /** `https://127.0.0.1:<port>/` (the address the server advertises), for `CosmosClient`. */
  readonly endpoint: string;
  /** The account key the SDK signs requests with; the emulator accepts any well-formed key. */
  readonly key: string;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

/**
 * The well-known key of Microsoft's Cosmos DB emulator: public, and only for local emulators.
 * `@vercel/cosmosdb-server` does not check signatures, but the SDK needs a base64 key to sign.
 */
export const cosmosEmulatorKey =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

/**
 * Starts `@vercel/cosmosdb-server` over HTTPS on the loopback interface with our certificate.
 * It keeps everything in memory; it ignores TTL and its batches are not atomic.
 */
export async function startCosmosEmulator(options: CosmosEmulatorOptions): Promise<CosmosEmulator> {
  const server = createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}/`,
    key: cosmosEmulatorKey,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
