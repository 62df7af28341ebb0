import { SignJWT, jwtVerify } from 'jose';
import { apiClientId, tenantId } from '../seed.js';
import type { SeedUser } from '../seed.js';
import type { SigningKey } from './signingKey.js';

/** How to vary a user token from the default, for tests of token validation. */
export interface UserTokenOptions {
  /** Claims to add or replace, e.g. a foreign `aud` or an `exp` in the past. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** When the token is issued; now by default. */
  readonly issuedAt?: Date;
  /** How long the token lives; one hour by default. */
  readonly lifetimeInSeconds?: number;
}

/** The audiences the emulator's resource APIs accept, keyed by the surface that accepts them. */
export const resourceAudiences = {
  arm: 'https://management.azure.com',
  graph: 'https://graph.microsoft.com',
} as const;

/** Which resource API a token is for. */
export type ResourceSurface = keyof typeof resourceAudiences;

const oneHourInSeconds = 3600;

/** The v2.0 issuer of the emulated tenant served at `emulatorUrl`. */
export function issuerFor(emulatorUrl: string): string {
  return `${emulatorUrl}/${tenantId}/v2.0`;
}

/** Signs an Entra-v2-style access token for the broker API on behalf of a seeded user. */
export async function signUserToken(
  key: SigningKey,
  emulatorUrl: string,
  user: SeedUser,
  options: UserTokenOptions = {},
): Promise<string> {
  const issuedAtInSeconds = Math.floor((options.issuedAt ?? new Date()).getTime() / 1000);
  const claims = {
    ver: '2.0',
    iss: issuerFor(emulatorUrl),
    aud: apiClientId,
    tid: tenantId,
    oid: user.id,
    sub: user.id,
    name: user.displayName,
    preferred_username: user.userPrincipalName,
    roles: [...user.roles],
    scp: 'access_as_user',
    iat: issuedAtInSeconds,
    nbf: issuedAtInSeconds,
    exp: issuedAtInSeconds + (options.lifetimeInSeconds ?? oneHourInSeconds),
    ...options.claims,
  };
  return sign(key, claims);
}

/** Signs an app-only token for the broker identity towards ARM or Graph. */
export async function signAppToken(
  key: SigningKey,
  emulatorUrl: string,
  clientId: string,
  surface: ResourceSurface,
): Promise<{ token: string; expiresInSeconds: number }> {
  const nowInSeconds = Math.floor(Date.now() / 1000);
  const token = await sign(key, {
    ver: '2.0',
    iss: issuerFor(emulatorUrl),
    aud: resourceAudiences[surface],
    tid: tenantId,
    sub: clientId,
    azp: clientId,
    appid: clientId,
    idtyp: 'app',
    iat: nowInSeconds,
    nbf: nowInSeconds,
    exp: nowInSeconds + oneHourInSeconds,
  });
  return { token, expiresInSeconds: oneHourInSeconds };
}

/** Whether a bearer token was issued here, is current, and is meant for `surface`. */
export async function isValidBearer(
  key: SigningKey,
  emulatorUrl: string,
  token: string,
  surface: ResourceSurface,
): Promise<boolean> {
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer: issuerFor(emulatorUrl),
      algorithms: ['RS256'],
      audience: [resourceAudiences[surface], `${resourceAudiences[surface]}/`],
    });
    return payload.tid === tenantId;
  } catch {
    return false;
  }
}

async function sign(key: SigningKey, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .sign(key.privateKey);
}
