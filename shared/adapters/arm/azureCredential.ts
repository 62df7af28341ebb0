import type { TokenCredential } from '@azure/core-auth';
import { ClientSecretCredential, DefaultAzureCredential } from '@azure/identity';

/** Who the broker is towards ARM and Graph, and where its tokens come from. */
export interface AzureCredentialSettings {
  /** Token authority, e.g. `https://login.microsoftonline.com` or the emulator's URL. */
  readonly authorityHost?: string;
  readonly tenantId: string;
  /** App (client) id: of the app registration with a secret, or of a user-assigned identity. */
  readonly clientId?: string;
  /** Only against the emulator; in Azure the broker uses its managed identity. */
  readonly clientSecret?: string;
}

/**
 * The broker's TokenCredential: a client secret when one is configured (the emulator), otherwise
 * DefaultAzureCredential, which in Azure resolves to the function app's managed identity.
 */
export function createAzureCredential(settings: AzureCredentialSettings): TokenCredential {
  if (settings.clientId && settings.clientSecret) {
    return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, {
      ...(settings.authorityHost ? { authorityHost: settings.authorityHost } : {}),
      // The emulator is not a known Entra cloud, so MSAL must not ask Entra to vouch for it.
      disableInstanceDiscovery: isCustomAuthority(settings.authorityHost),
    });
  }
  return new DefaultAzureCredential({
    tenantId: settings.tenantId,
    ...(settings.clientId ? { managedIdentityClientId: settings.clientId } : {}),
  });
}

function isCustomAuthority(authorityHost: string | undefined): boolean {
  if (!authorityHost) {
    return false;
  }
  const host = new URL(authorityHost).hostname.toLowerCase();
  return !knownAuthorityHosts.has(host);
}

const knownAuthorityHosts = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
]);
