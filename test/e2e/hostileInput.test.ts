import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from 'jose';
import { apiClientId, estateIds, seedUser, tenantId } from '../../dev/seed.js';
import type { ApiCall, TestBroker } from '../support/testBroker.js';
import { aPendingRequest, aRequestBody, startTestBroker } from '../support/testBroker.js';

/** One hostile input and the answer it must get. */
interface HostileCase {
  readonly name: string;
  readonly method: string;
  readonly path: string | (() => string);
  readonly call: (broker: TestBroker) => Promise<ApiCall>;
  readonly status: number;
  readonly code?: string;
  /** A field the problem's `errors` must name. */
  readonly field?: string;
}

const nic =
  `/subscriptions/${'9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'}/resourceGroups/rg-workloads` +
  '/providers/Microsoft.Network/networkInterfaces/nic-vm-linux-01';

const as =
  (alias: string, extra: Omit<ApiCall, 'token'> = {}) =>
  async (broker: TestBroker): Promise<ApiCall> => ({
    token: await broker.tokenFor(alias),
    ...extra,
  });

const withToken =
  (token: (broker: TestBroker) => Promise<string>) =>
  async (broker: TestBroker): Promise<ApiCall> => ({
    token: await token(broker),
    body: aRequestBody(),
  });

const createAs = (body: unknown) => as('alice', { body });

const bodyCases: HostileCase[] = [
  ['vmId with ..', { vmId: `${estateIds.linuxVm}/../vm-windows-01` }, 'body.vmId'],
  ['vmId percent-encoded', { vmId: estateIds.linuxVm.replace(/\//g, '%2F') }, 'body.vmId'],
  [
    'vmId with doubled separators',
    { vmId: estateIds.linuxVm.replace('/providers', '//providers') },
    'body.vmId',
  ],
  ['vmId of a NIC', { vmId: nic }, 'body.vmId'],
  ['vmId of a child resource', { vmId: `${estateIds.linuxVm}/extensions/custom` }, 'body.vmId'],
  ['vmId with white space', { vmId: ` ${estateIds.linuxVm}` }, 'body.vmId'],
  ['vmId of 10 kB', { vmId: 'a'.repeat(10_000) }, 'body.vmId'],
  ['vmId as a number', { vmId: 42 }, 'body.vmId'],
  ['duration P-1D', { duration: 'P-1D' }, 'body.duration'],
  ['duration PT', { duration: 'PT' }, 'body.duration'],
  ['duration in months', { duration: 'P1M' }, 'body.duration'],
  ['duration with a repeated part', { duration: 'PT1H1H' }, 'body.duration'],
  ['duration of zero', { duration: 'PT0M' }, 'body.duration'],
  ['duration overflowing', { duration: 'PT99999999999999999999H' }, 'body.duration'],
  ['access unknown', { access: 'root' }, 'body.access'],
  ['protocol unknown', { protocol: 'telnet' }, 'body.protocol'],
  ['justification too short', { justification: 'because' }, 'body.justification'],
  [
    'justification with a bidi override',
    { justification: 'Fix the job \u202Egnp.exe' },
    'body.justification',
  ],
  [
    'justification with a control character',
    { justification: 'Fix the job\u0007 please' },
    'body.justification',
  ],
  ['justification of 5000 characters', { justification: 'x'.repeat(5000) }, 'body.justification'],
  [
    'justification with an Arabic letter mark',
    { justification: 'Fix the job \u061C please' },
    'body.justification',
  ],
  [
    'justification with a line separator',
    { justification: 'Fix the job\u2028please' },
    'body.justification',
  ],
  [
    'justification with a zero-width space',
    { justification: 'Fix the\u200Bjob please' },
    'body.justification',
  ],
  [
    'justification with a byte-order mark',
    { justification: 'Fix the\uFEFFjob please' },
    'body.justification',
  ],
  [
    'justification with tag characters',
    { justification: 'Fix the job \u{E0041}\u{E0042}' },
    'body.justification',
  ],
  [
    'justification with a lone surrogate',
    { justification: 'Fix the job \uD800 please' },
    'body.justification',
  ],
  ['ticket with markup', { ticket: '<script>alert(1)</script>' }, 'body.ticket'],
  ['an unknown field', { admin: true }, 'body'],
].map(([name, changes, field]) => ({
  name: `body: ${name as string}`,
  method: 'POST',
  path: '/requests',
  call: createAs(aRequestBody(changes as Record<string, unknown>)),
  status: 400,
  field: field as string,
}));

const cases: HostileCase[] = [
  ...bodyCases,
  {
    name: 'body: not JSON',
    method: 'POST',
    path: '/requests',
    call: as('alice', { rawBody: '{"vmId":' }),
    status: 400,
    code: 'malformed-json',
  },
  {
    name: 'body: a JSON array',
    method: 'POST',
    path: '/requests',
    call: createAs([aRequestBody()]),
    status: 400,
  },
  {
    name: 'body: JSON null',
    method: 'POST',
    path: '/requests',
    call: as('alice', { rawBody: 'null' }),
    status: 400,
  },
  {
    name: 'body: __proto__ smuggled',
    method: 'POST',
    path: '/requests',
    call: as('alice', {
      rawBody: JSON.stringify(aRequestBody()).replace('{', '{"__proto__":{"isAdmin":true},'),
    }),
    status: 400,
  },
  {
    name: 'body: text/plain',
    method: 'POST',
    path: '/requests',
    call: as('alice', {
      rawBody: JSON.stringify(aRequestBody()),
      headers: { 'content-type': 'text/plain' },
    }),
    status: 415,
  },
  {
    name: 'body: larger than 64 kB',
    method: 'POST',
    path: '/requests',
    call: createAs({ ...aRequestBody(), padding: 'x'.repeat(70_000) }),
    status: 413,
  },
  {
    name: 'policy: VM no rule covers',
    method: 'POST',
    path: '/requests',
    call: createAs(aRequestBody({ vmId: estateIds.linuxVm.replace('rg-workloads', 'rg-other') })),
    status: 403,
    code: 'no-matching-policy',
  },
  {
    name: 'policy: longer than the maximum',
    method: 'POST',
    path: '/requests',
    call: createAs(aRequestBody({ duration: 'PT9H' })),
    status: 400,
    code: 'duration-exceeds-maximum',
  },
  {
    name: 'policy: tunnel not offered',
    method: 'POST',
    path: '/requests',
    call: createAs(aRequestBody({ access: 'tunnel' })),
    status: 403,
    code: 'access-kind-not-allowed',
  },
  {
    name: 'directory: not a requester',
    method: 'POST',
    path: '/requests',
    call: as('mallory', { body: aRequestBody() }),
    status: 403,
    code: 'not-a-requester',
  },
  {
    name: 'token: none',
    method: 'POST',
    path: '/requests',
    call: async () => ({ body: aRequestBody() }),
    status: 401,
    code: 'token-missing',
  },
  {
    name: 'token: Basic scheme',
    method: 'POST',
    path: '/requests',
    call: async () => ({ headers: { authorization: 'Basic YWxpY2U6cHc=' }, body: aRequestBody() }),
    status: 401,
  },
  {
    name: 'token: garbage',
    method: 'POST',
    path: '/requests',
    call: withToken(async () => 'not.a.token'),
    status: 401,
  },
  {
    name: 'token: alg none',
    method: 'POST',
    path: '/requests',
    call: withToken(async () => unsignedToken()),
    status: 401,
  },
  {
    name: 'token: HS256 with the public key as secret',
    method: 'POST',
    path: '/requests',
    call: withToken(() => hmacToken()),
    status: 401,
  },
  {
    name: 'token: signed by an unknown key',
    method: 'POST',
    path: '/requests',
    call: withToken(() => foreignKeyToken()),
    status: 401,
  },
  {
    name: 'token: foreign tenant',
    method: 'POST',
    path: '/requests',
    call: withToken((b) =>
      b.running.azure.issueUserToken('alice', {
        claims: { tid: '11111111-2222-4333-8444-555555555555' },
      }),
    ),
    status: 401,
  },
  {
    name: 'token: foreign issuer',
    method: 'POST',
    path: '/requests',
    call: withToken((b) =>
      b.running.azure.issueUserToken('alice', {
        claims: {
          iss: 'https://login.microsoftonline.com/11111111-2222-4333-8444-555555555555/v2.0',
        },
      }),
    ),
    status: 401,
  },
  {
    name: 'token: wrong audience',
    method: 'POST',
    path: '/requests',
    call: withToken((b) =>
      b.running.azure.issueUserToken('alice', { claims: { aud: 'https://management.azure.com' } }),
    ),
    status: 401,
  },
  {
    name: 'token: expired beyond the skew',
    method: 'POST',
    path: '/requests',
    call: withToken((b) =>
      b.running.azure.issueUserToken('alice', {
        issuedAt: new Date(Date.now() - 2 * 3600_000),
        lifetimeInSeconds: 3600,
      }),
    ),
    status: 401,
    code: 'token-expired',
  },
  {
    name: 'token: not valid yet',
    method: 'POST',
    path: '/requests',
    call: withToken((b) =>
      b.running.azure.issueUserToken('alice', {
        claims: { nbf: Math.floor(Date.now() / 1000) + 3600 },
      }),
    ),
    status: 401,
  },
  {
    name: 'token: app-only (no delegated scope)',
    method: 'POST',
    path: '/requests',
    call: withToken((b) =>
      b.running.azure.issueUserToken('alice', { claims: { scp: undefined, idtyp: 'app' } }),
    ),
    status: 401,
  },
  {
    name: 'token: issued in the future',
    method: 'POST',
    path: '/requests',
    call: withToken((b) =>
      b.running.azure.issueUserToken('alice', { issuedAt: new Date(Date.now() + 3600_000) }),
    ),
    status: 401,
  },
  {
    name: 'token: 20 kB',
    method: 'POST',
    path: '/requests',
    call: withToken(async () => `${'a'.repeat(20_000)}.b.c`),
    status: 401,
  },
  {
    name: 'id: too long',
    method: 'GET',
    path: `/requests/${'a'.repeat(65)}`,
    call: as('alice'),
    status: 400,
    field: 'path.id',
  },
  {
    name: 'id: with a quote',
    method: 'GET',
    path: "/requests/abc'%20OR%201=1",
    call: as('alice'),
    status: 400,
    field: 'path.id',
  },
  {
    name: 'id: unknown',
    method: 'GET',
    path: '/requests/does-not-exist',
    call: as('alice'),
    status: 404,
    code: 'request-not-found',
  },
  {
    name: 'id: path traversal',
    method: 'GET',
    path: '/requests/..%2Faudit',
    call: as('alice'),
    status: 400,
  },
  { name: 'method: DELETE', method: 'DELETE', path: '/requests', call: as('alice'), status: 405 },
  {
    name: 'approve: by an outsider',
    method: 'POST',
    path: () => `/requests/${pendingId}/approve`,
    call: as('mallory', { body: {} }),
    status: 404,
    code: 'request-not-found',
  },
  {
    name: 'audit: vmId not a VM id',
    method: 'GET',
    path: '/audit?vmId=notanid',
    call: as('erin'),
    status: 400,
    field: 'query.vmId',
  },
  {
    name: 'approve: comment not a string',
    method: 'POST',
    path: () => `/requests/${pendingId}/approve`,
    call: as('carol', { body: { comment: 7 } }),
    status: 400,
    field: 'body.comment',
  },
  {
    name: 'deny: without a reason',
    method: 'POST',
    path: () => `/requests/${pendingId}/deny`,
    call: as('carol', { body: {} }),
    status: 400,
    field: 'body.reason',
  },
  {
    name: 'cancel: with a body',
    method: 'POST',
    path: () => `/requests/${pendingId}/cancel`,
    call: as('alice', { body: { force: true } }),
    status: 400,
  },
  {
    name: 'revoke: a pending request',
    method: 'POST',
    path: () => `/requests/${pendingId}/revoke`,
    call: as('bob', {}),
    status: 409,
  },
  {
    name: 'list: unknown scope',
    method: 'GET',
    path: '/requests?scope=everyone',
    call: as('alice'),
    status: 400,
    field: 'query.scope',
  },
  {
    name: 'list: limit of zero',
    method: 'GET',
    path: '/requests?limit=0',
    call: as('alice'),
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'list: limit not a number',
    method: 'GET',
    path: '/requests?limit=ten',
    call: as('alice'),
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'list: repeated parameter',
    method: 'GET',
    path: '/requests?scope=mine&scope=approvable',
    call: as('alice'),
    status: 400,
  },
  {
    name: 'list: unknown parameter',
    method: 'GET',
    path: '/requests?orderBy=id',
    call: as('alice'),
    status: 400,
  },
  {
    name: 'list: forged continuation token',
    method: 'GET',
    path: '/requests?continuationToken=eyJ2IjoxfQ',
    call: as('alice'),
    status: 400,
    code: 'invalid-continuation-token',
  },
  {
    name: 'audit: not a date',
    method: 'GET',
    path: '/audit?from=yesterday',
    call: as('erin'),
    status: 400,
    field: 'query.from',
  },
  {
    name: 'audit: unknown action',
    method: 'GET',
    path: '/audit?action=grant.stolen',
    call: as('erin'),
    status: 400,
    field: 'query.action',
  },
  {
    name: 'audit: from after to',
    method: 'GET',
    path: '/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    call: as('erin'),
    status: 400,
  },
  {
    name: 'audit: forged continuation token',
    method: 'GET',
    path: '/audit?continuationToken=bm9wZQ',
    call: as('erin'),
    status: 400,
    code: 'invalid-continuation-token',
  },
  {
    name: 'audit: not an auditor',
    method: 'GET',
    path: '/audit',
    call: as('alice'),
    status: 403,
    code: 'not-an-auditor',
  },
];

let pendingId = '';

describe('hostile input', () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker();
    pendingId = await aPendingRequest(broker, 'bob');
  });
  after(async () => {
    await broker.close();
  });

  for (const hostile of cases) {
    it(`answers ${hostile.status} problem+json to ${hostile.name}`, async () => {
      const path = typeof hostile.path === 'function' ? hostile.path() : hostile.path;
      const answer = await broker.call(hostile.method, path, await hostile.call(broker));

      assert.equal(answer.status, hostile.status, JSON.stringify(answer.json));
      assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.equal(answer.json.status, hostile.status);
      assert.equal(typeof answer.json.code, 'string');
      assert.equal(typeof answer.json.detail, 'string');
      if (hostile.code) {
        assert.equal(answer.json.code, hostile.code);
      }
      if (hostile.field) {
        const fields = (answer.json.errors as { field: string }[] | undefined) ?? [];
        assert.ok(
          fields.some((problem) => problem.field === hostile.field),
          `errors name ${hostile.field}: ${JSON.stringify(fields)}`,
        );
      }
      assert.doesNotMatch(JSON.stringify(answer.json), /\bat .+\.(ts|js):\d+/, 'no stack trace');
    });
  }

  it('refuses an audit continuation token replayed with other filters', async () => {
    const erin = await broker.tokenFor('erin');
    const first = await broker.call('GET', '/audit?limit=1', { token: erin });
    const token = encodeURIComponent(first.json.continuationToken as string);
    const replayed = await broker.call(
      'GET',
      `/audit?limit=1&actor=system&continuationToken=${token}`,
      {
        token: erin,
      },
    );
    assert.equal(replayed.status, 400);
    assert.equal(replayed.json.code, 'invalid-continuation-token');
  });

  it('accepts the bearer scheme in any case', async () => {
    const token = await broker.tokenFor('alice');
    const answer = await broker.call('GET', '/requests', {
      headers: { authorization: `bearer ${token}` },
    });
    assert.equal(answer.status, 200);
  });

  it('survives a malformed Host header', async () => {
    const { request } = await import('node:http');
    const url = new URL(broker.running.host.apiUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const call = request(
        { host: url.hostname, port: url.port, path: '/api/health', headers: { host: 'a b' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      call.on('error', reject);
      call.end();
    });
    assert.ok(status < 500, `answered ${status}`);
    assert.equal((await broker.call('GET', '/health')).status, 200, 'still serving');
  });

  it('audits refused tokens as one summary per sweep, never one record per call', async () => {
    const erin = await broker.tokenFor('erin');
    const rejectedSoFar = async () =>
      (await broker.call('GET', '/audit?action=auth.rejected&limit=100', { token: erin })).json
        .items ?? [];
    await broker.sweep();
    const before = (await rejectedSoFar()).length;
    for (let call = 0; call < 5; call++) {
      await broker.call('GET', '/requests', { headers: { authorization: 'Bearer x.y.z' } });
    }
    assert.equal((await rejectedSoFar()).length, before);
    await broker.sweep();
    const after = await rejectedSoFar();
    assert.equal(after.length, before + 1);
    assert.equal((after.at(-1)?.details as Record<string, number>)['token-invalid'], 5);
  });

  it('names the allowed methods when a method is not allowed', async () => {
    const answer = await broker.call('PUT', '/requests', await as('alice')(broker));
    assert.equal(answer.status, 405);
    assert.equal(answer.headers.get('allow'), 'POST, GET');
  });

  it('stored nothing for any of them', async () => {
    const mine = await broker.call('GET', '/requests?scope=mine', {
      token: await broker.tokenFor('alice'),
    });
    assert.deepEqual(mine.json.items, []);
    const created = await broker.call('GET', '/audit?action=request.created&limit=100', {
      token: await broker.tokenFor('erin'),
    });
    assert.deepEqual(
      created.json.items?.map((record) => record.requestId),
      [pendingId],
    );
    const pending = await broker.call('GET', `/requests/${pendingId}`, {
      token: await broker.tokenFor('bob'),
    });
    assert.equal(pending.json.status, 'pending');
    assert.deepEqual(pending.json.approvals, []);
    assert.deepEqual(broker.running.azure.links(), []);
  });
});

function unsignedToken(): string {
  return new UnsecuredJWT(claimsOf('alice')).setIssuedAt().setExpirationTime('1h').encode();
}

async function hmacToken(): Promise<string> {
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  const secret = new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey)));
  return new SignJWT(claimsOf('alice'))
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(secret);
}

async function foreignKeyToken(): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(claimsOf('alice'))
    .setProtectedHeader({ alg: 'RS256', kid: 'not-a-known-key' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
}

function claimsOf(alias: string) {
  const user = seedUser(alias);
  return { oid: user.id, tid: tenantId, aud: apiClientId, ver: '2.0', roles: ['Broker.Admin'] };
}
