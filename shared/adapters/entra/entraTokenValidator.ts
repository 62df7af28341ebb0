import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { Caller } from '../../domain/caller.js';
import { AuthenticationError, UpstreamError } from '../../domain/errors.js';
import type { PrincipalId } from '../../domain/ids.js';

/** Where and how Entra ID v2 access tokens for the broker's API are checked. */
export interface EntraTokenSettings {
  /** Expected `iss`, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`. */
  readonly issuer: string;
  /** Expected `aud`: the API's client id. */
  readonly audience: string;
  readonly tenantId: string;
  /** The tenant's JWKS endpoint. */
  readonly jwksUri: string;
}

const clockToleranceInSeconds = 5 * 60;
const maxClockSkewInMs = clockToleranceInSeconds * 1000;
const unknownKeyCooldownInMs = 30_000;
const keyCacheMaxAgeInMs = 10 * 60_000;
const maxTokenLength = 16_384;
const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Validates Entra ID v2 bearer tokens: RS256 only, signature against the tenant's JWKS (cached,
 * re-fetched at most once per cool-down on an unknown `kid`), issuer, audience and tenant pinned,
 * `exp`/`nbf` with five minutes of skew.
 */
export class EntraTokenValidator {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly settings: EntraTokenSettings) {
    const remoteKeys = createRemoteJWKSet(new URL(settings.jwksUri), {
      cooldownDuration: unknownKeyCooldownInMs,
      cacheMaxAge: keyCacheMaxAgeInMs,
      timeoutDuration: 5_000,
    });
    this.keys = async (header, token) => {
      try {
        return await remoteKeys(header, token);
      } catch (caught) {
        throw isVerdictOnToken(caught) ? caught : new KeySourceUnavailable(caught);
      }
    };
  }

  /** The caller behind an `Authorization` header value; throws AuthenticationError otherwise. */
  async authenticate(authorization: string | null | undefined): Promise<Caller> {
    const token = bearerTokenOf(authorization);
    const payload = await this.verify(token);
    return callerOf(payload, this.settings.tenantId);
  }

  private async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ['RS256'],
        clockTolerance: clockToleranceInSeconds,
        requiredClaims: ['exp', 'iat', 'oid', 'tid', 'scp'],
        maxTokenAge: '24h',
      });
      return payload;
    } catch (caught) {
      throw translateVerificationError(caught);
    }
  }
}

function bearerTokenOf(authorization: string | null | undefined): string {
  if (!authorization) {
    throw new AuthenticationError('A bearer token is required.', 'token-missing');
  }
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/i.exec(authorization);
  if (!match?.[1] || match[1].length > maxTokenLength) {
    throw new AuthenticationError(
      'The Authorization header is not a bearer token.',
      'token-malformed',
    );
  }
  return match[1];
}

function callerOf(payload: JWTPayload, tenantId: string): Caller {
  const { oid, tid, roles, name, scp } = payload as JWTPayload & Record<string, unknown>;
  if (typeof scp !== 'string' || scp.trim() === '') {
    // App-only tokens carry no delegated scope: the API serves people, never bare applications.
    throw new AuthenticationError('The token was not issued to a signed-in user.', 'token-invalid');
  }
  if (typeof payload.iat !== 'number' || payload.iat * 1000 > Date.now() + maxClockSkewInMs) {
    throw new AuthenticationError('The token claims to be issued in the future.', 'token-invalid');
  }
  if (typeof oid !== 'string' || !guidPattern.test(oid)) {
    throw new AuthenticationError('The token has no valid object id.', 'token-invalid');
  }
  if (typeof tid !== 'string' || tid.toLowerCase() !== tenantId) {
    throw new AuthenticationError('The token is from another tenant.', 'token-invalid');
  }
  const roleList = Array.isArray(roles) ? roles.filter((role) => typeof role === 'string') : [];
  return {
    id: oid.toLowerCase() as PrincipalId,
    tenantId: tid.toLowerCase(),
    roles: new Set(roleList),
    displayName: typeof name === 'string' ? name.slice(0, 200) : undefined,
  };
}

/** The JWKS endpoint could not be read: nobody can be authenticated until it can. */
class KeySourceUnavailable extends Error {
  constructor(cause: unknown) {
    super('The token signing keys could not be fetched.', { cause });
  }
}

function isVerdictOnToken(caught: unknown): boolean {
  return (
    caught instanceof errors.JWKSNoMatchingKey ||
    caught instanceof errors.JWKSMultipleMatchingKeys ||
    caught instanceof errors.JOSENotSupported
  );
}

function translateVerificationError(caught: unknown): Error {
  if (caught instanceof KeySourceUnavailable) {
    return new UpstreamError('entra', 'The token signing keys could not be fetched.', {
      cause: caught,
    });
  }
  if (caught instanceof errors.JWTExpired) {
    return new AuthenticationError('The token has expired.', 'token-expired');
  }
  return new AuthenticationError('The token is not valid for this API.', 'token-invalid');
}
