import { z } from 'zod';

const url = z.url({ protocol: /^https$/ });
const guid = z.guid();

/**
 * Every setting of the broker, read from the environment (app settings in Azure). Names follow
 * Functions conventions where one exists (`AzureWebJobsStorage`).
 */
const settingsSchema = z.object({
  BROKER_TENANT_ID: guid,
  BROKER_API_CLIENT_ID: guid,
  BROKER_AUTHORITY_HOST: url.default('https://login.microsoftonline.com'),
  BROKER_ARM_ENDPOINT: url.default('https://management.azure.com'),
  BROKER_GRAPH_ENDPOINT: url.default('https://graph.microsoft.com'),
  BROKER_CLIENT_ID: guid.optional(),
  BROKER_CLIENT_SECRET: z.string().min(1).optional(),
  BROKER_COSMOS_ENDPOINT: url,
  BROKER_COSMOS_KEY: z.string().min(1).optional(),
  BROKER_COSMOS_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .default('bastion-jit'),
  AzureWebJobsStorage: z.string().min(1),
  BROKER_POLICY_PATH: z.string().min(1),
});

/** The broker's validated settings. */
export interface BrokerSettings {
  readonly tenantId: string;
  readonly apiClientId: string;
  /** Token issuer of the tenant, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`. */
  readonly issuer: string;
  readonly authorityHost: string;
  readonly armEndpoint: string;
  readonly graphEndpoint: string;
  /** Client credentials of the broker; absent in Azure, where the managed identity is used. */
  readonly clientCredentials?: { readonly clientId: string; readonly clientSecret: string };
  readonly cosmos: { readonly endpoint: string; readonly key?: string; readonly database: string };
  readonly storageConnection: string;
  readonly policyPath: string;
}

/** A setting is missing or malformed; the message names every bad one. */
export class SettingsError extends Error {}

/** Reads and validates the settings; throws SettingsError naming each bad setting. */
export function loadSettings(environment: NodeJS.ProcessEnv = process.env): BrokerSettings {
  const result = settingsSchema.safeParse(environment);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new SettingsError(`Invalid broker settings:\n  ${problems.join('\n  ')}`);
  }
  const env = result.data;
  const authorityHost = env.BROKER_AUTHORITY_HOST.replace(/\/$/, '');
  return {
    tenantId: env.BROKER_TENANT_ID.toLowerCase(),
    apiClientId: env.BROKER_API_CLIENT_ID.toLowerCase(),
    issuer: `${authorityHost}/${env.BROKER_TENANT_ID.toLowerCase()}/v2.0`,
    authorityHost,
    armEndpoint: env.BROKER_ARM_ENDPOINT.replace(/\/$/, ''),
    graphEndpoint: env.BROKER_GRAPH_ENDPOINT.replace(/\/$/, ''),
    clientCredentials: clientCredentialsOf(env.BROKER_CLIENT_ID, env.BROKER_CLIENT_SECRET),
    cosmos: {
      endpoint: env.BROKER_COSMOS_ENDPOINT,
      key: env.BROKER_COSMOS_KEY,
      database: env.BROKER_COSMOS_DATABASE,
    },
    storageConnection: env.AzureWebJobsStorage,
    policyPath: env.BROKER_POLICY_PATH,
  };
}

function clientCredentialsOf(
  clientId: string | undefined,
  clientSecret: string | undefined,
): BrokerSettings['clientCredentials'] {
  if (clientId === undefined && clientSecret === undefined) {
    return undefined;
  }
  if (!clientId || !clientSecret) {
    throw new SettingsError('BROKER_CLIENT_ID and BROKER_CLIENT_SECRET must be set together.');
  }
  return { clientId, clientSecret };
}
