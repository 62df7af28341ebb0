import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ensureDevCertificates } from '../../dev/certificates.js';
import type { AzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { startAzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { brokerIdentity, estateIds, groups, seedUser, tenantId } from '../../dev/seed.js';

/** A published example: request parameters and the answers it documents, by status. */
interface ArmExample {
  readonly parameters: Record<string, unknown>;
  readonly responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
}

/** One request → response mock of the Graph mocks file. */
interface GraphMock {
  readonly request: { readonly url: string; readonly method: string };
  readonly response: { readonly statusCode: number; readonly body?: unknown };
}

const fixtures = new URL('../fixtures/contracts/', import.meta.url);
const apiVersion = '2026-01-01';
const bastionPath = estateIds.bastion;

async function readExample(name: string): Promise<ArmExample> {
  return JSON.parse(await readFile(new URL(name, fixtures), 'utf8')) as ArmExample;
}

async function readGraphMock(method: string, url: string): Promise<GraphMock> {
  const file = new URL('graph/graph-v1_0-proxy-mocks.subset.json', fixtures);
  const { mocks } = JSON.parse(await readFile(file, 'utf8')) as { mocks: GraphMock[] };
  const mock = mocks.find((entry) => entry.request.method === method && entry.request.url === url);
  assert.ok(mock, `no Graph mock for ${method} ${url}`);
  return mock;
}

/** The example's body with its made-up VM ids (vm1, vm2, ...) swapped for the seeded VMs. */
function withSeededVms(body: unknown): unknown {
  const seeded = [estateIds.linuxVm, estateIds.windowsVm];
  const placeholderVmId =
    /\/subscriptions\/[^/"]+\/resourceGroups\/[^/"]+\/providers\/[^"]+\/vm(\d)/g;
  const text = JSON.stringify(body).replace(
    placeholderVmId,
    (_match, index: string) => seeded[Number(index) - 1] ?? 'unknown',
  );
  return JSON.parse(text);
}

/** Options for comparing shapes. */
interface ShapeOptions {
  /** Keys whose value is a free-form map (e.g. `tags`): only the type is compared. */
  readonly freeForm?: readonly string[];
  /** Keys Graph sends as null or [] when unset although the example shows a value. */
  readonly unset?: readonly string[];
}

/** Asserts `actual` has every key of `example`, with values of the same JSON types, recursively. */
function assertSameShape(actual: unknown, example: unknown, options: ShapeOptions = {}, at = '$') {
  if (Array.isArray(example)) {
    assert.ok(Array.isArray(actual), `${at} should be an array`);
    if (example.length > 0) {
      assert.ok(actual.length > 0, `${at} should not be empty for this check`);
      actual.forEach((item, index) =>
        assertSameShape(item, example[0], options, `${at}[${index}]`),
      );
    }
    return;
  }
  if (typeof example === 'object' && example !== null) {
    assert.ok(
      typeof actual === 'object' && actual !== null && !Array.isArray(actual),
      `${at} should be an object`,
    );
    const key = at.split('.').pop() ?? '';
    if (options.freeForm?.includes(key)) {
      return;
    }
    for (const [name, value] of Object.entries(example)) {
      assert.ok(name in actual, `${at}.${name} is missing`);
      const nested = (actual as Record<string, unknown>)[name];
      const isUnset = nested === null || (Array.isArray(nested) && nested.length === 0);
      if (isUnset && options.unset?.includes(name)) {
        continue;
      }
      assertSameShape(nested, value, options, `${at}.${name}`);
    }
    return;
  }
  assert.equal(typeof actual, typeof example, `${at} should be a ${typeof example}`);
}

describe('Azure emulator contract', () => {
  let emulator: AzureEmulator;
  const tokens = { arm: '', graph: '' };

  const call = async (
    surface: 'arm' | 'graph',
    method: string,
    pathOrUrl: string,
    body?: unknown,
  ): Promise<{ status: number; headers: Headers; body: unknown }> => {
    const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${emulator.url}${pathOrUrl}`;
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${tokens[surface]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  };
  const arm = (method: string, operation: string, body?: unknown) =>
    call('arm', method, `${bastionPath}${operation}?api-version=${apiVersion}`, body);

  /** Polls a Location until the operation is done; returns every poll's answer. */
  const pollToEnd = async (location: string) => {
    const polls = [];
    for (
      let poll = await call('arm', 'GET', location);
      ;
      poll = await call('arm', 'GET', location)
    ) {
      polls.push(poll);
      if (poll.status !== 202) {
        return polls;
      }
      assert.ok(poll.headers.get('retry-after'), 'a running operation says when to poll again');
    }
  };

  /** Every item of a paged answer, following nextLink. */
  const allItems = async (first: unknown): Promise<unknown[]> => {
    const items: unknown[] = [];
    for (let page = first as { value: unknown[]; nextLink?: string }; ;) {
      items.push(...page.value);
      if (!page.nextLink) {
        return items;
      }
      const next = await call('arm', 'GET', page.nextLink);
      assert.equal(next.status, 200);
      page = next.body as typeof page;
    }
  };

  const requestToken = async (scope: string, origin = emulator.url) => {
    const response = await fetch(`${origin}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: brokerIdentity.clientId,
        client_secret: brokerIdentity.clientSecret,
        scope,
      }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };

  before(async () => {
    emulator = await startAzureEmulator({
      port: 0,
      tls: await ensureDevCertificates(),
      pageSize: 1,
      lro: { pollsBeforeDone: 1, retryAfterSeconds: 0 },
    });
    tokens.arm = await requestToken('https://management.azure.com/.default');
    tokens.graph = await requestToken('https://graph.microsoft.com/.default');
  });

  beforeEach(() => emulator.reset());

  after(() => emulator.close());

  describe('BastionHosts_Get (BastionHostGet.json)', () => {
    it('answers the shape of the example for the seeded Standard host', async () => {
      const example = await readExample('arm-network-bastion/BastionHostGet.json');

      const { status, body } = await call('arm', 'GET', `${bastionPath}?api-version=${apiVersion}`);

      assert.ok(status in example.responses);
      assertSameShape(body, example.responses['200']?.body, { freeForm: ['tags'] });
      const { sku, properties } = body as {
        sku: { name: string };
        properties: Record<string, unknown>;
      };
      assert.equal(sku.name, 'Standard');
      assert.equal(properties.enableShareableLink, true);
      assert.equal(properties.enableTunneling, true);
    });
  });

  describe('PutBastionShareableLink (BastionShareableLinkCreate.json)', () => {
    it('accepts the example body with 202 and Location, then pages like the example', async () => {
      const example = await readExample('arm-network-bastion/BastionShareableLinkCreate.json');

      const accepted = await arm(
        'POST',
        '/createShareableLinks',
        withSeededVms(example.parameters.bslRequest),
      );

      assert.equal(accepted.status, 202);
      assert.ok(accepted.status in example.responses);
      const location = accepted.headers.get('location');
      assert.ok(location);
      const polls = await pollToEnd(location);
      const done = polls.at(-1);
      assert.equal(done?.status, 200);
      assert.ok(polls.length >= 2, 'the operation is polled at least once before it ends');
      const links = await allItems(done?.body);
      assertSameShape({ value: links }, example.responses['200']?.body);
      for (const link of links as { bsl: string }[]) {
        assert.match(
          link.bsl,
          /^https:\/\/bst-[0-9a-f-]{36}\.bastion\.azure\.com\/api\/shareable-url\/[\w-]+$/,
        );
      }
    });

    it('refuses the example body as is (placeholder VM ids) with an ARM error', async () => {
      const example = await readExample('arm-network-bastion/BastionShareableLinkCreate.json');

      const refused = await arm('POST', '/createShareableLinks', example.parameters.bslRequest);

      assert.equal(refused.status, 400);
      assertSameShape(refused.body, { error: { code: '', message: '' } });
    });
  });

  describe('GetBastionShareableLink (BastionShareableLinkGet.json)', () => {
    it('answers 200 with pages of links in the shape of the example', async () => {
      const example = await readExample('arm-network-bastion/BastionShareableLinkGet.json');
      const request = withSeededVms(example.parameters.bslRequest);
      const created = await arm('POST', '/createShareableLinks', request);
      await pollToEnd(created.headers.get('location') ?? '');

      const listed = await arm('POST', '/getShareableLinks', request);

      assert.equal(listed.status, 200);
      assert.ok(listed.status in example.responses);
      const links = await allItems(listed.body);
      assert.equal(links.length, 2);
      assertSameShape({ value: links }, example.responses['200']?.body);
    });
  });

  describe('DeleteBastionShareableLinkByToken (BastionShareableLinkDeleteByToken.json)', () => {
    it('accepts the example body with 202 and Location; deletes the links it names', async () => {
      const example = await readExample(
        'arm-network-bastion/BastionShareableLinkDeleteByToken.json',
      );
      await pollToEnd(
        (
          await arm('POST', '/createShareableLinks', { vms: [{ vm: { id: estateIds.linuxVm } }] })
        ).headers.get('location') ?? '',
      );

      const unknownTokens = await arm(
        'POST',
        '/deleteShareableLinksByToken',
        example.parameters.bslTokenRequest,
      );
      assert.equal(unknownTokens.status, 202);
      assert.ok(unknownTokens.status in example.responses);
      assert.equal(
        (await pollToEnd(unknownTokens.headers.get('location') ?? '')).at(-1)?.status,
        200,
      );
      assert.equal(emulator.links().length, 1);

      const token = emulator.links()[0]?.token ?? '';
      const matching = await arm('POST', '/deleteShareableLinksByToken', { tokens: [token] });
      await pollToEnd(matching.headers.get('location') ?? '');
      assert.equal(emulator.links().length, 0);
    });
  });

  describe('DeleteBastionShareableLink (BastionShareableLinkDelete.json)', () => {
    it('accepts the example body with 202 and Location, then 200', async () => {
      const example = await readExample('arm-network-bastion/BastionShareableLinkDelete.json');
      const request = withSeededVms(example.parameters.bslRequest);
      await pollToEnd(
        (await arm('POST', '/createShareableLinks', request)).headers.get('location') ?? '',
      );

      const accepted = await arm('POST', '/deleteShareableLinks', request);

      assert.equal(accepted.status, 202);
      assert.ok(accepted.status in example.responses);
      const done = (await pollToEnd(accepted.headers.get('location') ?? '')).at(-1);
      assert.ok(done && done.status in example.responses);
      assert.equal(emulator.links().length, 0);
    });
  });

  describe('GetActiveSessions (BastionSessionsList.json)', () => {
    it('answers 202 with Location, then pages of sessions like the example', async () => {
      const example = await readExample('arm-network-bastion/BastionSessionsList.json');
      emulator.openSession({
        vmId: estateIds.linuxVm,
        userName: 'alice',
        protocol: 'SSH',
        via: 'tunnel',
      });
      emulator.openSession({
        vmId: estateIds.windowsVm,
        userName: 'bob',
        protocol: 'RDP',
        via: 'tunnel',
      });

      const accepted = await arm('POST', '/getActiveSessions');

      assert.equal(accepted.status, 202);
      const location = accepted.headers.get('location') ?? '';
      assert.match(location, /\/bastionHosts\/bas-hub\/getActiveSessions\/operationResults\//i);
      const done = (await pollToEnd(location)).at(-1);
      assert.equal(done?.status, 200);
      const sessions = await allItems(done?.body);
      assert.equal(sessions.length, 2);
      assertSameShape({ value: sessions }, example.responses['200']?.body);
    });
  });

  describe('DisconnectActiveSessions (BastionSessionDelete.json)', () => {
    it('answers the state of each session asked for, in the shape of the example', async () => {
      const example = await readExample('arm-network-bastion/BastionSessionDelete.json');
      const live = emulator.openSession({
        vmId: estateIds.linuxVm,
        userName: 'alice',
        protocol: 'SSH',
        via: 'tunnel',
      });
      const { sessionIds } = example.parameters.sessionIds as { sessionIds: string[] };

      const answered = await arm('POST', '/disconnectActiveSessions', {
        sessionIds: [live.sessionId, ...sessionIds],
      });

      assert.equal(answered.status, 200);
      const states = (await allItems(answered.body)) as { sessionId: string; state: string }[];
      assertSameShape({ value: states }, example.responses['200']?.body);
      assert.deepEqual(
        states.map(({ sessionId, state }) => [sessionId, state]),
        [[live.sessionId, 'Disconnected'], ...sessionIds.map((id) => [id, 'NotFound'])],
      );
      assert.equal(emulator.sessions().length, 0);
    });
  });

  describe('SecurityRules (NetworkSecurityGroupRule*.json)', () => {
    const rulePath =
      `${estateIds.networkSecurityGroup}/securityRules/rule1` + `?api-version=${apiVersion}`;

    it('creates (201), updates (200), reads and deletes a rule as the examples show', async () => {
      const create = await readExample('arm-network-nsg/NetworkSecurityGroupRuleCreate.json');
      const get = await readExample('arm-network-nsg/NetworkSecurityGroupRuleGet.json');
      const remove = await readExample('arm-network-nsg/NetworkSecurityGroupRuleDelete.json');

      const created = await call('arm', 'PUT', rulePath, create.parameters.securityRuleParameters);
      const updated = await call('arm', 'PUT', rulePath, create.parameters.securityRuleParameters);
      const read = await call('arm', 'GET', rulePath);
      const deleted = await call('arm', 'DELETE', rulePath);
      const deletedAgain = await call('arm', 'DELETE', rulePath);

      assert.deepEqual([created.status, updated.status], [201, 200]);
      assertSameShape(created.body, create.responses['201']?.body);
      assertSameShape(updated.body, create.responses['200']?.body);
      assertSameShape(read.body, get.responses['200']?.body);
      assert.equal(deleted.status, 202);
      assert.ok(deleted.status in remove.responses);
      const operation = deleted.headers.get('azure-asyncoperation') ?? '';
      let status = await call('arm', 'GET', operation);
      while ((status.body as { status: string }).status === 'InProgress') {
        status = await call('arm', 'GET', operation);
      }
      assert.deepEqual(status.body, { status: 'Succeeded' });
      assert.equal(deletedAgain.status, 204);
      assert.equal((await call('arm', 'GET', rulePath)).status, 404);
    });

    it('refuses a second rule with the same priority and direction', async () => {
      const create = await readExample('arm-network-nsg/NetworkSecurityGroupRuleCreate.json');
      await call('arm', 'PUT', rulePath, create.parameters.securityRuleParameters);

      const clash = await call(
        'arm',
        'PUT',
        rulePath.replace('rule1', 'rule2'),
        create.parameters.securityRuleParameters,
      );

      assert.equal(clash.status, 400);
      assertSameShape(clash.body, { error: { code: '', message: '' } });
    });
  });

  describe('ARM conventions', () => {
    it('requires api-version', async () => {
      const answer = await call('arm', 'GET', bastionPath);

      assert.equal(answer.status, 400);
      assert.equal(
        (answer.body as { error: { code: string } }).error.code,
        'MissingApiVersionParameter',
      );
    });

    it('answers 404 in the ARM error shape for an unknown Bastion host', async () => {
      const answer = await call(
        'arm',
        'GET',
        `${bastionPath.replace('bas-hub', 'bas-other')}?api-version=${apiVersion}`,
      );

      assert.equal(answer.status, 404);
      assert.equal((answer.body as { error: { code: string } }).error.code, 'ResourceNotFound');
    });

    it('serves the seeded VMs and NICs', async () => {
      const vm = await call('arm', 'GET', `${estateIds.linuxVm}?api-version=2024-07-01`);
      const nicId =
        (vm.body as { properties: { networkProfile: { networkInterfaces: { id: string }[] } } })
          .properties.networkProfile.networkInterfaces[0]?.id ?? '';
      const nic = await call('arm', 'GET', `${nicId}?api-version=${apiVersion}`);

      assert.equal(vm.status, 200);
      assert.equal(nic.status, 200);
      assert.equal(
        (nic.body as { properties: { virtualMachine: { id: string } } }).properties.virtualMachine
          .id,
        estateIds.linuxVm,
      );
    });

    it('never mistakes an ARM path for the inspection API', async () => {
      const answer = await fetch(
        `${emulator.url}${bastionPath}/_emulator/links?api-version=${apiVersion}`,
      );

      assert.equal(answer.status, 401);
    });

    it('refuses a 501st link on one host with an ARM error', async () => {
      const small = await startAzureEmulator({
        port: 0,
        tls: await ensureDevCertificates(),
        maxLinksPerBastion: 1,
        lro: { retryAfterSeconds: 0 },
      });
      try {
        const token = await requestToken('https://management.azure.com/.default', small.url);
        const create = (vmId: string) =>
          fetch(`${small.url}${bastionPath}/createShareableLinks?api-version=${apiVersion}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
            body: JSON.stringify({ vms: [{ vm: { id: vmId } }] }),
          });
        assert.equal((await create(estateIds.linuxVm)).status, 202);
        assert.equal((await create(estateIds.linuxVm)).status, 202);
        const refused = await create(estateIds.windowsVm);
        assert.equal(refused.status, 400);
        assertSameShape(await refused.json(), { error: { code: '', message: '' } });
      } finally {
        await small.close();
      }
    });
  });

  describe('Microsoft Graph', () => {
    const dave = seedUser('dave');

    it('answers checkMemberGroups like the documented sample', async () => {
      const mock = await readGraphMock(
        'POST',
        'https://graph.microsoft.com/v1.0/directoryObjects/*/checkMemberGroups',
      );

      const answer = await call('graph', 'POST', `/v1.0/users/${dave.id}/checkMemberGroups`, {
        groupIds: [groups.approvers.id, groups.requesters.id],
      });

      assert.equal(answer.status, mock.response.statusCode);
      assertSameShape(answer.body, mock.response.body);
    });

    it('refuses more than 20 group ids with 400', async () => {
      const groupIds = Array.from({ length: 21 }, () => groups.approvers.id);

      const answer = await call('graph', 'POST', `/v1.0/users/${dave.id}/checkMemberGroups`, {
        groupIds,
      });

      assert.equal(answer.status, 400);
    });

    it('answers a user like the documented sample', async () => {
      const mock = await readGraphMock('GET', 'https://graph.microsoft.com/v1.0/me');

      const answer = await call('graph', 'GET', `/v1.0/users/${dave.id}`);

      assert.equal(answer.status, mock.response.statusCode);
      assertSameShape(answer.body, mock.response.body, {
        unset: ['businessPhones', 'mobilePhone', 'officeLocation'],
      });
    });

    it('answers a manager like the documented sample', async () => {
      const mock = await readGraphMock('GET', 'https://graph.microsoft.com/v1.0/users/*/manager');

      const answer = await call('graph', 'GET', `/v1.0/users/${seedUser('alice').id}/manager`);

      assert.equal(answer.status, mock.response.statusCode);
      assertSameShape(answer.body, mock.response.body);
      assert.equal((answer.body as { id: string }).id, seedUser('carol').id);
    });

    it('accepts an activity notification (204) and a mail (202), and records both', async () => {
      const activity = await readGraphMock(
        'POST',
        'https://graph.microsoft.com/v1.0/users/*/teamwork/sendActivityNotification',
      );
      const mail = await readGraphMock('POST', 'https://graph.microsoft.com/v1.0/me/sendMail');

      const notified = await call(
        'graph',
        'POST',
        `/v1.0/users/${dave.id}/teamwork/sendActivityNotification`,
        {
          topic: {
            source: 'text',
            value: 'Access request',
            webUrl: 'https://teams.microsoft.com/l/entity/x',
          },
          activityType: 'approvalRequired',
          previewText: { content: 'Alice asks for vm-linux-01' },
        },
      );
      const mailed = await call('graph', 'POST', `/v1.0/users/${dave.id}/sendMail`, {
        message: { subject: 'Access request', toRecipients: [] },
      });

      assert.equal(notified.status, activity.response.statusCode);
      assert.equal(mailed.status, mail.response.statusCode);
      assert.deepEqual(
        emulator.notifications().map((entry) => [entry.kind, entry.userId]),
        [
          ['activity', dave.id],
          ['mail', dave.id],
        ],
      );
    });

    it('answers 404 Request_ResourceNotFound in Graph shape for an unknown user', async () => {
      const answer = await call('graph', 'GET', '/v1.0/users/0b1c2d3e-ffff-4000-8000-000000000000');

      assert.equal(answer.status, 404);
      assertSameShape(answer.body, { error: { code: '', message: '' } });
      assert.equal(
        (answer.body as { error: { code: string } }).error.code,
        'Request_ResourceNotFound',
      );
    });
  });
});
