import type { TokenCredential } from '@azure/core-auth';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { ValidationError } from '../../domain/errors.js';

/** Where Graph is and how hard to retry it. */
export interface GraphClientOptions {
  /** Service root with version, e.g. `https://graph.microsoft.com/v1.0` or `${emulator}/v1.0`. */
  readonly baseUrl: string;
  /** Token scope; `https://graph.microsoft.com/.default` unless told otherwise. */
  readonly scope?: string;
  /** The client's retries of 429, 503 and 504 (it honours Retry-After). */
  readonly retry?: { readonly maxRetries?: number; readonly delayInSeconds?: number };
}

const graphHosts = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
]);

/** A Graph client that authenticates with the TokenCredential on the configured host only. */
export function createGraphClient(
  credential: TokenCredential,
  options: GraphClientOptions,
): Client {
  const root = new URL(options.baseUrl.replace(/\/$/, ''));
  const version = root.pathname.replace(/^\//, '');
  if (!version) {
    throw new Error('The Graph base URL must name the API version, e.g. /v1.0.');
  }

  const authProvider = new TokenCredentialAuthenticationProvider(credential, {
    scopes: [options.scope ?? 'https://graph.microsoft.com/.default'],
  });
  const retryOptions = new RetryHandlerOptions(
    options.retry?.delayInSeconds,
    options.retry?.maxRetries,
  );
  return Client.initWithMiddleware({
    baseUrl: `${root.origin}/`,
    defaultVersion: version,
    // The client attaches tokens only to Graph hosts and to the custom hosts named here.
    ...(graphHosts.has(root.hostname) ? {} : { customHosts: new Set([root.hostname]) }),
    middleware: [
      new AuthenticationHandler(authProvider),
      new RetryHandler(retryOptions),
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ],
  });
}

/** The path of a user by object id or principal name; refuses anything that could escape it. */
export function userPath(userId: string): string {
  if (userId.length === 0 || userId.length > 256 || /[\s/\\?#%]/.test(userId)) {
    throw new ValidationError('Not a valid directory user id.', [
      { field: 'userId', message: 'must be an object id or user principal name' },
    ]);
  }
  return `/users/${encodeURIComponent(userId)}`;
}
