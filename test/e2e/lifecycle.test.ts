import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { estateIds, seedUser } from '../../dev/seed.js';
import type { TestBroker } from '../support/testBroker.js';
import {
  aPendingRequest,
  anActiveGrant,
  seededPolicyWith,
  startTestBroker,
  viewRequest,
} from '../support/testBroker.js';

const minute = 60_000;

async function statusOf(broker: TestBroker, id: string, as = 'alice'): Promise<string> {
  return (await viewRequest(broker, id, as)).status as string;
}

async function auditActionsOf(broker: TestBroker, id: string): Promise<string[]> {
  const answer = await broker.call('GET', `/audit?requestId=${id}`, {
    token: await broker.tokenFor('erin'),
  });
  assert.equal(answer.status, 200);
  return (answer.json.items ?? []).map((record) => record.action as string);
}

function linksOnLinuxVm(broker: TestBroker) {
  const key = estateIds.linuxVm.toLowerCase();
  return broker.running.azure.links().filter((link) => link.vmId.toLowerCase() === key);
}

describe('the access lifecycle on the embedded default', () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker.close();
  });

  describe('a link that runs its course', () => {
    it('is requested, approved, issued, read by its requester only, and taken away on time', async () => {
      const alice = await broker.tokenFor('alice');
      const created = await broker.call('POST', '/requests', {
        token: alice,
        body: {
          vmId: estateIds.linuxVm,
          access: 'link',
          protocol: 'ssh',
          duration: 'PT30M',
          justification: 'Investigate the failing nightly job',
          ticket: 'INC-1234',
        },
      });
      assert.equal(created.status, 201);
      const id = created.json.id as string;
      assert.equal(created.headers.get('location'), `/api/requests/${id}`);
      assert.equal(created.json.status, 'pending');

      const approved = await broker.call('POST', `/requests/${id}/approve`, {
        token: await broker.tokenFor('carol'),
        body: { comment: 'Fine' },
      });
      assert.equal(approved.status, 200);
      assert.equal(approved.json.status, 'approved');

      await broker.drainQueues();
      const mine = await broker.call('GET', `/requests/${id}`, { token: alice });
      assert.equal(mine.json.status, 'active');
      const link = mine.json.link as string;
      assert.match(link, /^https:\/\/bst-[0-9a-f-]+\.bastion\.azure\.com\/api\/shareable-url\//);
      assert.deepEqual(
        linksOnLinuxVm(broker).map((stored) => stored.url),
        [link],
      );

      const carols = await broker.call('GET', `/requests/${id}`, {
        token: await broker.tokenFor('carol'),
      });
      assert.equal(carols.status, 200);
      assert.equal(carols.json.link, undefined);
      const mallorys = await broker.call('GET', `/requests/${id}`, {
        token: await broker.tokenFor('mallory'),
      });
      assert.equal(mallorys.status, 404);

      broker.running.azure.openSession({
        vmId: estateIds.linuxVm,
        userName: 'azureuser',
        protocol: 'SSH',
        via: 'link',
      });
      broker.clock.advance(29 * minute);
      await broker.sweep();
      assert.equal(await statusOf(broker, id), 'active');

      broker.clock.advance(2 * minute);
      await broker.sweep();
      const ended = await broker.call('GET', `/requests/${id}`, { token: alice });
      assert.equal(ended.json.status, 'expired');
      assert.equal(ended.json.link, undefined);
      assert.deepEqual(linksOnLinuxVm(broker), []);
      assert.deepEqual(broker.running.azure.sessions(), []);

      const actions = await auditActionsOf(broker, id);
      for (const expected of [
        'request.created',
        'request.approved',
        'request.quorumReached',
        'grant.issueStarted',
        'grant.issued',
        'sessions.disconnected',
        'grant.expired',
      ]) {
        assert.ok(actions.includes(expected), `audit has ${expected}: ${actions.join(', ')}`);
      }
    });

    it('never keeps the link itself in the audit trail, only its fingerprint', async () => {
      const id = await anActiveGrant(broker);
      const link = (
        await broker.call('GET', `/requests/${id}`, { token: await broker.tokenFor('alice') })
      ).json.link as string;
      const trail = await broker.call('GET', `/audit?requestId=${id}`, {
        token: await broker.tokenFor('erin'),
      });
      const text = JSON.stringify(trail.json);
      assert.ok(!text.includes(link), 'the link appears in the audit trail');
      assert.ok(!text.includes(link.split('/').at(-1) as string), 'the link token appears');
      assert.match(text, /"linkFingerprint":"sha256:[0-9a-f]{64}"/);
      await broker.call('POST', `/requests/${id}/revoke`, {
        token: await broker.tokenFor('alice'),
      });
      await broker.drainQueues();
    });
  });

  describe('deny', () => {
    it('ends the request and issues nothing', async () => {
      const id = await aPendingRequest(broker);
      const denied = await broker.call('POST', `/requests/${id}/deny`, {
        token: await broker.tokenFor('dave'),
        body: { reason: 'Use the staging VM' },
      });
      assert.equal(denied.status, 200);
      assert.equal(denied.json.status, 'denied');
      await broker.drainQueues();
      assert.equal(await statusOf(broker, id), 'denied');
      assert.deepEqual(linksOnLinuxVm(broker), []);
      const late = await broker.call('POST', `/requests/${id}/approve`, {
        token: await broker.tokenFor('carol'),
        body: {},
      });
      assert.equal(late.status, 409);
      assert.equal(late.json.code, 'illegal-transition');
      assert.ok((await auditActionsOf(broker, id)).includes('request.denied'));
    });
  });

  describe('cancel', () => {
    it('withdraws a pending request', async () => {
      const id = await aPendingRequest(broker);
      const cancelled = await broker.call('POST', `/requests/${id}/cancel`, {
        token: await broker.tokenFor('alice'),
      });
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.json.status, 'cancelled');
    });

    it('withdraws an approved request before anything is issued', async () => {
      const id = await aPendingRequest(broker);
      await broker.call('POST', `/requests/${id}/approve`, {
        token: await broker.tokenFor('carol'),
        body: {},
      });
      const cancelled = await broker.call('POST', `/requests/${id}/cancel`, {
        token: await broker.tokenFor('alice'),
      });
      assert.equal(cancelled.json.status, 'cancelled');
      await broker.drainQueues();
      assert.equal(await statusOf(broker, id), 'cancelled');
      assert.deepEqual(linksOnLinuxVm(broker), []);
    });

    it('is refused to anyone but the requester', async () => {
      const id = await aPendingRequest(broker);
      const answer = await broker.call('POST', `/requests/${id}/cancel`, {
        token: await broker.tokenFor('bob'),
      });
      assert.equal(answer.status, 404, 'an outsider cannot even tell the request exists');
      assert.equal(answer.json.code, 'request-not-found');
      assert.equal(await statusOf(broker, id), 'pending');
    });
  });

  describe('timeout', () => {
    it('times out a request nobody decided in time, and refuses a late approval', async () => {
      const id = await aPendingRequest(broker);
      broker.clock.advance(61 * minute);
      await broker.sweep();
      assert.equal(await statusOf(broker, id), 'timedOut');
      const late = await broker.call('POST', `/requests/${id}/approve`, {
        token: await broker.tokenFor('carol'),
        body: {},
      });
      assert.equal(late.status, 409);
      assert.ok((await auditActionsOf(broker, id)).includes('request.timedOut'));
    });

    it('times out at the approval itself when the sweep has not run yet', async () => {
      const id = await aPendingRequest(broker);
      broker.clock.advance(61 * minute);
      const late = await broker.call('POST', `/requests/${id}/approve`, {
        token: await broker.tokenFor('carol'),
        body: {},
      });
      assert.equal(late.status, 409);
      assert.equal(late.json.code, 'timed-out');
      assert.equal(await statusOf(broker, id), 'timedOut');
    });
  });

  describe('revoke', () => {
    it('ends an active grant early, link and sessions included', async () => {
      const id = await anActiveGrant(broker);
      broker.running.azure.openSession({
        vmId: estateIds.linuxVm,
        userName: 'azureuser',
        protocol: 'SSH',
        via: 'link',
      });
      const revoked = await broker.call('POST', `/requests/${id}/revoke`, {
        token: await broker.tokenFor('dave'),
        body: { reason: 'Incident closed' },
      });
      assert.equal(revoked.status, 202);
      assert.equal(revoked.json.revocationPending, true);
      const pending = await broker.call('GET', `/requests/${id}`, {
        token: await broker.tokenFor('alice'),
      });
      assert.equal(pending.json.link, undefined, 'no link is handed out once revocation began');

      await broker.drainQueues();
      assert.equal(await statusOf(broker, id), 'revoked');
      assert.deepEqual(linksOnLinuxVm(broker), []);
      assert.deepEqual(broker.running.azure.sessions(), []);
      const actions = await auditActionsOf(broker, id);
      assert.ok(actions.includes('grant.revocationRequested'));
      assert.ok(actions.includes('grant.revoked'));
    });

    it('is refused to a user who is neither requester, approver nor admin', async () => {
      const id = await anActiveGrant(broker);
      const answer = await broker.call('POST', `/requests/${id}/revoke`, {
        token: await broker.tokenFor('bob'),
      });
      assert.equal(answer.status, 404);
      assert.equal(await statusOf(broker, id), 'active');
      await broker.call('POST', `/requests/${id}/revoke`, {
        token: await broker.tokenFor('alice'),
      });
      await broker.drainQueues();
      assert.equal(await statusOf(broker, id), 'revoked');
    });

    it('replaces a shared link when one of its grants ends, so only live grants can use it', async () => {
      const alices = await anActiveGrant(broker, 'alice');
      const bobs = await anActiveGrant(broker, 'bob');
      const linkOf = async (id: string, alias: string) =>
        (await viewRequest(broker, id, alias)).link as string | undefined;
      const shared = await linkOf(bobs, 'bob');
      assert.equal(await linkOf(alices, 'alice'), shared, 'Bastion keeps one link per VM');
      broker.running.azure.openSession({
        vmId: estateIds.linuxVm,
        userName: 'azureuser',
        protocol: 'SSH',
        via: 'link',
      });

      await broker.call('POST', `/requests/${alices}/revoke`, {
        token: await broker.tokenFor('alice'),
      });
      await broker.drainQueues();
      assert.equal(await statusOf(broker, alices), 'revoked');
      const links = linksOnLinuxVm(broker).map((link) => link.url);
      assert.equal(links.length, 1);
      assert.notEqual(links[0], shared, "alice's copy of the link no longer opens the VM");
      assert.deepEqual(broker.running.azure.sessions(), []);
      assert.equal(await linkOf(bobs, 'bob'), links[0], 'bob is handed the new link');
      assert.ok((await auditActionsOf(broker, alices)).includes('link.rotated'));

      await broker.call('POST', `/requests/${bobs}/revoke`, {
        token: await broker.tokenFor('bob'),
      });
      await broker.drainQueues();
      assert.deepEqual(linksOnLinuxVm(broker), []);
    });
  });

  describe('who decides', () => {
    it('never lets a requester approve their own request, even as a member of the approvers', async () => {
      const id = await aPendingRequest(broker, 'dave');
      const answer = await broker.call('POST', `/requests/${id}/approve`, {
        token: await broker.tokenFor('dave'),
        body: {},
      });
      assert.equal(answer.status, 403);
      assert.equal(answer.json.code, 'own-request');
      assert.equal(await statusOf(broker, id, 'dave'), 'pending');
    });

    it('refuses approval by someone outside the approver groups', async () => {
      const id = await aPendingRequest(broker);
      const approve = async (alias: string) =>
        broker.call('POST', `/requests/${id}/approve`, {
          token: await broker.tokenFor(alias),
          body: {},
        });
      const auditor = await approve('erin');
      assert.equal(auditor.status, 403);
      assert.equal(auditor.json.code, 'not-an-approver');
      const outsider = await approve('bob');
      assert.equal(outsider.status, 404, 'an outsider cannot even tell the request exists');
    });

    it('serves its OpenAPI description and its health', async () => {
      const openApi = await broker.call('GET', '/openapi.json');
      assert.equal(openApi.status, 200);
      assert.equal(openApi.json.openapi, '3.1.0');
      const paths = Object.keys(openApi.json.paths as object);
      assert.ok(paths.includes('/api/requests/{id}/approve'), paths.join());
      const schemas = (openApi.json.components as { schemas: Record<string, unknown> }).schemas;
      assert.ok('AccessRequest' in schemas && 'Problem' in schemas);
      const health = await broker.call('GET', '/health');
      assert.equal(health.status, 200);
      assert.equal(health.json.status, 'ok');
    });

    it('lists a request as approvable to its approvers and not to its requester', async () => {
      broker.clock.advance(1000);
      const id = await aPendingRequest(broker, 'dave');
      const carols = await broker.call('GET', '/requests?scope=approvable&limit=100', {
        token: await broker.tokenFor('carol'),
      });
      assert.ok(carols.json.items?.some((item) => item.id === id));
      const daves = await broker.call('GET', '/requests?scope=approvable&limit=100', {
        token: await broker.tokenFor('dave'),
      });
      assert.ok(!daves.json.items?.some((item) => item.id === id));
      const mine = await broker.call('GET', '/requests?scope=mine&limit=1', {
        token: await broker.tokenFor('dave'),
      });
      assert.equal(mine.json.items?.[0]?.id, id, 'newest first');
    });
  });

  describe('audit', () => {
    it('is readable by auditors only', async () => {
      const refused = await broker.call('GET', '/audit', { token: await broker.tokenFor('carol') });
      assert.equal(refused.status, 403);
      const erins = await broker.call('GET', '/audit?limit=2', {
        token: await broker.tokenFor('erin'),
      });
      assert.equal(erins.status, 200);
      assert.equal(erins.json.items?.length, 2);
      const next = await broker.call(
        'GET',
        `/audit?limit=2&continuationToken=${encodeURIComponent(erins.json.continuationToken as string)}`,
        { token: await broker.tokenFor('erin') },
      );
      assert.equal(next.status, 200);
      assert.notEqual(next.json.items?.[0]?.id, erins.json.items?.[0]?.id);
    });

    it('filters by actor', async () => {
      const carol = seedUser('carol').id;
      const answer = await broker.call('GET', `/audit?actor=${carol}&action=request.approved`, {
        token: await broker.tokenFor('erin'),
      });
      assert.equal(answer.status, 200);
      assert.ok((answer.json.items?.length ?? 0) > 0);
      assert.ok(answer.json.items?.every((record) => record.actorId === carol));
    });
  });
});

describe('a policy that needs two approvals', () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker({ policy: seededPolicyWith({ approvalsRequired: 2 }) });
  });
  after(async () => {
    await broker.close();
  });

  it('stays pending after one approval and is granted after the second', async () => {
    const id = await aPendingRequest(broker, 'alice');
    const first = await broker.call('POST', `/requests/${id}/approve`, {
      token: await broker.tokenFor('carol'),
      body: {},
    });
    assert.equal(first.json.status, 'pending');
    const again = await broker.call('POST', `/requests/${id}/approve`, {
      token: await broker.tokenFor('carol'),
      body: {},
    });
    assert.equal(again.status, 409);
    assert.equal(again.json.code, 'already-decided');
    const second = await broker.call('POST', `/requests/${id}/approve`, {
      token: await broker.tokenFor('dave'),
      body: {},
    });
    assert.equal(second.json.status, 'approved');
    await broker.drainQueues();
    assert.equal(await statusOf(broker, id), 'active');
  });
});
