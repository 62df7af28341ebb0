import { randomUUID, timingSafeEqual } from 'node:crypto';
import { brokerIdentity, tenantId } from '../seed.js';
import type { EmulatorContext } from './context.js';
import type { ResourceSurface } from './entraTokens.js';
import { issuerFor, resourceAudiences, signAppToken } from './entraTokens.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { json } from './http.js';
import type { Route } from './router.js';
import { pathPattern } from './router.js';

const oidcScopes = new Set(['openid', 'profile', 'offline_access', 'email']);

/** Routes of the Entra-like issuer: OpenID metadata, JWKS and the client-credentials grant. */
export function entraIssuerRoutes(context: EmulatorContext): Route[] {
  const forTenant =
    (handler: (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>) =>
    (request: EmulatorRequest) =>
      request.params.tenant?.toLowerCase() === tenantId
        ? handler(request)
        : tenantNotFound(request);
  return [
    {
      method: 'GET',
      pattern: pathPattern('/{tenant}/v2.0/.well-known/openid-configuration'),
      handler: forTenant(() => json(200, openIdConfiguration(context))),
    },
    {
      method: 'GET',
      pattern: pathPattern('/{tenant}/discovery/v2.0/keys'),
      handler: forTenant(() => json(200, { keys: [context.signingKey.publicJwk] })),
    },
    {
      method: 'POST',
      pattern: pathPattern('/{tenant}/oauth2/v2.0/token'),
      handler: forTenant((request) => issueClientCredentialsToken(context, request)),
    },
  ];
}

function openIdConfiguration(context: EmulatorContext): Record<string, unknown> {
  const base = `${context.url()}/${tenantId}`;
  return {
    issuer: issuerFor(context.url()),
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'name', 'oid', 'tid', 'ver'],
    request_uri_parameter_supported: false,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'localhost',
  };
}

async function issueClientCredentialsToken(
  context: EmulatorContext,
  request: EmulatorRequest,
): Promise<EmulatorResponse> {
  const form = new URLSearchParams(request.bodyText);
  if (form.get('grant_type') !== 'client_credentials') {
    return aadError(
      400,
      'unsupported_grant_type',
      70003,
      'The app requested an unsupported grant type.',
    );
  }
  if (form.get('client_id') !== brokerIdentity.clientId) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      'The application was not found in the directory.',
    );
  }
  if (!isBrokerSecret(form.get('client_secret') ?? '')) {
    return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
  }
  const surface = surfaceOfScope(form.get('scope') ?? '');
  if (!surface) {
    return aadError(400, 'invalid_scope', 70011, "The provided value for 'scope' is not valid.");
  }

  const { token, expiresInSeconds } = await signAppToken(
    context.signingKey,
    context.url(),
    brokerIdentity.clientId,
    surface,
  );
  return json(200, {
    token_type: 'Bearer',
    expires_in: expiresInSeconds,
    ext_expires_in: expiresInSeconds,
    access_token: token,
  });
}

function surfaceOfScope(scope: string): ResourceSurface | undefined {
  const resources = scope.split(' ').filter((entry) => entry !== '' && !oidcScopes.has(entry));
  if (resources.length !== 1) {
    return undefined;
  }
  const surfaces = Object.keys(resourceAudiences) as ResourceSurface[];
  return surfaces.find((surface) =>
    [`${resourceAudiences[surface]}/.default`, `${resourceAudiences[surface]}//.default`].includes(
      resources[0] ?? '',
    ),
  );
}

function isBrokerSecret(candidate: string): boolean {
  const expected = Buffer.from(brokerIdentity.clientSecret);
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function tenantNotFound(request: EmulatorRequest): EmulatorResponse {
  return aadError(
    400,
    'invalid_tenant',
    90002,
    `Tenant '${request.params.tenant ?? ''}' not found.`,
  );
}

function aadError(
  status: number,
  error: string,
  code: number,
  description: string,
): EmulatorResponse {
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}
