import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ensureDevCertificates } from '../../dev/certificates.js';
import type { AzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { startAzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { signingKeyPath } from '../../dev/emulator/signingKey.js';
import { apiClientId, brokerIdentity, estateIds, seedUser, tenantId } from '../../dev/seed.js';
import { createAzureCredential } from '../../shared/adapters/arm/azureCredential.js';

const run = promisify(execFile);

describe('Entra issuer of the Azure emulator', () => {
  let emulator: AzureEmulator;
  let keys: ReturnType<typeof createRemoteJWKSet>;

  const tenantUrl = (path: string) => `${emulator.url}/${tenantId}${path}`;
  const requestToken = (form: Record<string, string>) =>
    fetch(tenantUrl('/oauth2/v2.0/token'), { method: 'POST', body: new URLSearchParams(form) });
  const clientCredentials = {
    grant_type: 'client_credentials',
    client_id: brokerIdentity.clientId,
    client_secret: brokerIdentity.clientSecret,
    scope: 'https://management.azure.com/.default',
  };

  before(async () => {
    emulator = await startAzureEmulator({ port: 0, tls: await ensureDevCertificates() });
    keys = createRemoteJWKSet(new URL(tenantUrl('/discovery/v2.0/keys')));
  });

  after(() => emulator.close());

  describe('OpenID metadata', () => {
    it('names the v2.0 issuer and the endpoints of the tenant', async () => {
      const response = await fetch(tenantUrl('/v2.0/.well-known/openid-configuration'));
      const metadata = (await response.json()) as Record<string, unknown>;

      assert.equal(response.status, 200);
      assert.equal(metadata.issuer, `${emulator.url}/${tenantId}/v2.0`);
      assert.equal(metadata.issuer, emulator.issuer);
      assert.equal(metadata.jwks_uri, tenantUrl('/discovery/v2.0/keys'));
      assert.equal(metadata.token_endpoint, tenantUrl('/oauth2/v2.0/token'));
      assert.equal(metadata.authorization_endpoint, tenantUrl('/oauth2/v2.0/authorize'));
    });

    it('refuses a tenant it does not host', async () => {
      const otherTenant = '00000000-0000-0000-0000-000000000000';
      const response = await fetch(
        `${emulator.url}/${otherTenant}/v2.0/.well-known/openid-configuration`,
      );

      assert.equal(response.status, 400);
      assert.match(
        ((await response.json()) as { error_description: string }).error_description,
        /^AADSTS90002/,
      );
    });
  });

  describe('JWKS', () => {
    it('publishes the public RS256 key only, with its kid', async () => {
      const response = await fetch(tenantUrl('/discovery/v2.0/keys'));
      const { keys: published } = (await response.json()) as { keys: Record<string, unknown>[] };

      assert.equal(published.length, 1);
      const [key] = published;
      assert.equal(key?.kty, 'RSA');
      assert.equal(key?.alg, 'RS256');
      assert.equal(key?.use, 'sig');
      assert.equal(typeof key?.kid, 'string');
      for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
        assert.equal(key?.[privatePart], undefined, `JWKS leaks ${privatePart}`);
      }
    });

    it('keeps the signing key in a file only its owner can read', async () => {
      const { mode } = await stat(signingKeyPath);

      assert.equal(mode & 0o777, 0o600);
    });
  });

  describe('client credentials grant', () => {
    it('issues an ARM token to the broker identity that verifies against the JWKS', async () => {
      const response = await requestToken(clientCredentials);
      const body = (await response.json()) as Record<string, unknown>;

      assert.equal(response.status, 200);
      assert.equal(body.token_type, 'Bearer');
      assert.equal(typeof body.expires_in, 'number');
      const { payload } = await jwtVerify(String(body.access_token), keys, {
        issuer: emulator.issuer,
        audience: 'https://management.azure.com',
        algorithms: ['RS256'],
      });
      assert.equal(payload.azp, brokerIdentity.clientId);
      assert.equal(payload.tid, tenantId);
    });

    it('issues a Graph token for the Graph scope', async () => {
      const response = await requestToken({
        ...clientCredentials,
        scope: 'https://graph.microsoft.com/.default',
      });
      const { access_token: token } = (await response.json()) as { access_token: string };

      await jwtVerify(token, keys, { audience: 'https://graph.microsoft.com' });
    });

    it('refuses a wrong secret with an AADSTS 401', async () => {
      const response = await requestToken({ ...clientCredentials, client_secret: 'guess' });
      const body = (await response.json()) as Record<string, unknown>;

      assert.equal(response.status, 401);
      assert.equal(body.error, 'invalid_client');
      assert.match(String(body.error_description), /^AADSTS7000215:/);
      assert.deepEqual(body.error_codes, [7000215]);
    });

    it('refuses an unknown client, another grant and a foreign scope', async () => {
      const refusals = await Promise.all([
        requestToken({ ...clientCredentials, client_id: '00000000-0000-0000-0000-000000000001' }),
        requestToken({ ...clientCredentials, grant_type: 'password' }),
        requestToken({ ...clientCredentials, scope: 'https://vault.azure.net/.default' }),
      ]);

      assert.deepEqual(
        refusals.map((response) => response.status),
        [400, 400, 400],
      );
    });

    it('serves ClientSecretCredential (MSAL) against the loopback authority', async () => {
      const credential = createAzureCredential({
        authorityHost: emulator.url,
        tenantId,
        ...brokerIdentity,
      });

      const token = await credential.getToken('https://management.azure.com/.default');

      assert.ok(token);
      await jwtVerify(token.token, keys, { audience: 'https://management.azure.com' });
    });
  });

  describe('user tokens for the broker API', () => {
    it('carries the v2 claims of the seeded user', async () => {
      const erin = seedUser('erin');
      const token = await emulator.issueUserToken('erin');

      const { payload, protectedHeader } = await jwtVerify(token, keys, {
        issuer: emulator.issuer,
        audience: apiClientId,
        algorithms: ['RS256'],
      });

      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.ver, '2.0');
      assert.equal(payload.tid, tenantId);
      assert.equal(payload.oid, erin.id);
      assert.equal(payload.sub, erin.id);
      assert.equal(payload.name, erin.displayName);
      assert.equal(payload.preferred_username, erin.userPrincipalName);
      assert.deepEqual(payload.roles, ['Audit.Read']);
      assert.equal(payload.scp, 'access_as_user');
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
      assert.equal(payload.nbf, payload.iat);
    });

    it('applies overrides, e.g. an expired token', async () => {
      const token = await emulator.issueUserToken('alice', {
        issuedAt: new Date(Date.now() - 2 * 3600 * 1000),
      });

      await assert.rejects(jwtVerify(token, keys, { audience: apiClientId }), {
        code: 'ERR_JWT_EXPIRED',
      });
    });

    it('hands out tokens over POST /_emulator/tokens', async () => {
      const response = await fetch(`${emulator.url}/_emulator/tokens`, {
        method: 'POST',
        body: JSON.stringify({ user: 'carol' }),
      });
      const { access_token: token } = (await response.json()) as { access_token: string };

      const { payload } = await jwtVerify(token, keys, { audience: apiClientId });
      assert.equal(payload.oid, seedUser('carol').id);
    });

    it('answers 404 problem for an unknown alias', async () => {
      const response = await fetch(`${emulator.url}/_emulator/tokens`, {
        method: 'POST',
        body: JSON.stringify({ user: 'zed' }),
      });

      assert.equal(response.status, 404);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
    });

    it('agrees with npm run token, which signs with the persisted key', async () => {
      const { stdout } = await run('npx', [
        'tsx',
        'dev/token.ts',
        'dave',
        '--emulator-url',
        emulator.url,
      ]);
      const token = stdout.trim();

      const { payload } = await jwtVerify(token, keys, {
        issuer: emulator.issuer,
        audience: apiClientId,
      });
      assert.equal(payload.oid, seedUser('dave').id);
      assert.equal(
        decodeProtectedHeader(token).kid,
        (await emulator.issueUserToken('dave').then(decodeProtectedHeader)).kid,
      );
    });

    it('makes npm run token fail and list the aliases for an unknown one', async () => {
      await assert.rejects(
        run('npx', ['tsx', 'dev/token.ts', 'zed']),
        (error: { code: number; stderr: string }) => {
          assert.notEqual(error.code, 0);
          assert.match(error.stderr, /alice, bob, carol, dave, erin, mallory/);
          return true;
        },
      );
    });
  });

  describe('resource APIs', () => {
    const bastionUrl = () => `${emulator.url}${estateIds.bastion}?api-version=2026-01-01`;

    it('refuse a call without a bearer token', async () => {
      const response = await fetch(bastionUrl());

      assert.equal(response.status, 401);
      assert.equal(
        ((await response.json()) as { error: { code: string } }).error.code,
        'InvalidAuthenticationToken',
      );
    });

    it('refuse a token meant for another audience', async () => {
      const userToken = await emulator.issueUserToken('alice');

      const arm = await fetch(bastionUrl(), { headers: { authorization: `Bearer ${userToken}` } });
      const graph = await fetch(`${emulator.url}/v1.0/users/${seedUser('alice').id}`, {
        headers: { authorization: `Bearer ${userToken}` },
      });

      assert.deepEqual([arm.status, graph.status], [401, 401]);
    });

    it('leave the inspection API open without a token', async () => {
      const response = await fetch(`${emulator.url}/_emulator/links`);

      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), []);
    });
  });
});
