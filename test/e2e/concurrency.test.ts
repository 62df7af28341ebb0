import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { estateIds } from '../../dev/seed.js';
import type { RequestId } from '../../shared/domain/ids.js';
import { parseResourceId } from '../../shared/domain/resourceId.js';
import type { BrokerContext } from '../../shared/services/brokerContext.js';
import { issueGrant } from '../../shared/services/issueGrant.js';
import type { TestBroker } from '../support/testBroker.js';
import {
  aPendingRequest,
  anActiveGrant,
  startTestBroker,
  viewRequest,
  withLinks,
} from '../support/testBroker.js';

const minute = 60_000;

describe('the broker under concurrency', () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker.close();
  });
  beforeEach(async () => {
    await broker.drainQueues();
    await broker.sweep();
  });

  function armCalls(operation: string): number {
    return broker.running.azure
      .calls()
      .filter((call) => call.method === 'POST' && call.path.endsWith(`/${operation}`)).length;
  }

  async function auditCount(id: string, action: string): Promise<number> {
    const answer = await broker.call('GET', `/audit?requestId=${id}&action=${action}`, {
      token: await broker.tokenFor('erin'),
    });
    return answer.json.items?.length ?? 0;
  }

  async function statusOf(id: string): Promise<string> {
    return (await viewRequest(broker, id)).status as string;
  }

  function linkCount(): number {
    return broker.running.azure.links().length;
  }

  it('gives one grant when two approvers approve at once', async () => {
    const id = await aPendingRequest(broker);
    const creates = armCalls('createShareableLinks');
    const answers = await Promise.all(
      ['carol', 'dave'].map(async (approver) =>
        broker.call('POST', `/requests/${id}/approve`, {
          token: await broker.tokenFor(approver),
          body: {},
        }),
      ),
    );
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 409]);

    await broker.drainQueues();
    assert.equal(await statusOf(id), 'active');
    assert.equal(armCalls('createShareableLinks') - creates, 1);
    assert.equal(await auditCount(id, 'grant.issued'), 1);
    assert.equal(linkCount(), 1);
    await revokeAndDrain(id);
  });

  it('issues one grant when the same issue message arrives twice', async () => {
    const id = await aPendingRequest(broker);
    const context = await broker.context();
    await context.queue.enqueueIssue({ requestId: id as RequestId });
    await broker.call('POST', `/requests/${id}/approve`, {
      token: await broker.tokenFor('carol'),
      body: {},
    });
    await context.queue.enqueueIssue({ requestId: id as RequestId });
    await broker.drainQueues();

    assert.equal(await statusOf(id), 'active');
    assert.equal(await auditCount(id, 'grant.issued'), 1);
    assert.equal(linkCount(), 1);
    await revokeAndDrain(id);
  });

  it('revokes once when asked twice at once', async () => {
    const id = await anActiveGrant(broker);
    const deletes = armCalls('deleteShareableLinksByToken');
    const answers = await Promise.all(
      ['alice', 'carol'].map(async (who) =>
        broker.call('POST', `/requests/${id}/revoke`, { token: await broker.tokenFor(who) }),
      ),
    );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [202, 202],
    );
    const context = await broker.context();
    await context.queue.enqueueRevoke({ requestId: id as RequestId });
    await broker.drainQueues();

    assert.equal(await statusOf(id), 'revoked');
    assert.equal(await auditCount(id, 'grant.revocationRequested'), 1);
    assert.equal(await auditCount(id, 'grant.revoked'), 1);
    assert.equal(armCalls('deleteShareableLinksByToken') - deletes, 1);
    assert.equal(linkCount(), 0);
  });

  it('expires once when the queue and the timer end the same grant together', async () => {
    const id = await anActiveGrant(broker);
    const deletes = armCalls('deleteShareableLinksByToken');
    broker.clock.advance(61 * minute);
    const context = await broker.context();
    await context.queue.enqueueRevoke({ requestId: id as RequestId });

    await Promise.all([broker.drainQueues(), broker.sweep(), broker.sweep()]);
    await broker.sweep();

    assert.equal(await statusOf(id), 'expired');
    assert.equal(await auditCount(id, 'grant.expired'), 1);
    assert.equal(armCalls('deleteShareableLinksByToken') - deletes, 1);
    assert.equal(linkCount(), 0);
  });

  describe('a crash after Bastion issued the link and before the request was updated', () => {
    it('leaves no link behind once the request was cancelled and the sweep ran', async () => {
      const id = await approvedButNotIssued();
      await assert.rejects(issueGrant(crashingAfterCreate(await broker.context()), id, notLast));
      assert.equal(linkCount(), 1, 'the crash left a link in Azure');

      const cancelled = await broker.call('POST', `/requests/${id}/cancel`, {
        token: await broker.tokenFor('alice'),
      });
      assert.equal(cancelled.json.status, 'cancelled');
      await broker.sweep();
      assert.equal(linkCount(), 0);
      assert.equal(await auditCount(id, 'grant.orphanRemoved'), 1);
    });

    it('finishes issuing when the sweep finds the request stalled', async () => {
      const id = await approvedButNotIssued();
      await assert.rejects(issueGrant(crashingAfterCreate(await broker.context()), id, notLast));

      broker.clock.advance(3 * minute);
      await broker.sweep();
      await broker.drainQueues();
      const view = await broker.call('GET', `/requests/${id}`, {
        token: await broker.tokenFor('alice'),
      });
      assert.equal(view.json.status, 'active');
      assert.equal(view.json.link, broker.running.azure.links()[0]?.url);
      assert.equal(linkCount(), 1);
      await revokeAndDrain(id);
    });
  });

  it('deletes a link that no grant owns', async () => {
    const context = await broker.context();
    const bastion = parseResourceId(estateIds.bastion, 'bastionHost');
    await context.links.createLink(bastion, parseResourceId(estateIds.windowsVm, 'virtualMachine'));
    assert.equal(linkCount(), 1);
    await broker.sweep();
    assert.equal(linkCount(), 0);
  });

  const notLast = { finalAttempt: false };

  async function approvedButNotIssued(): Promise<string> {
    const id = await aPendingRequest(broker);
    await broker.call('POST', `/requests/${id}/approve`, {
      token: await broker.tokenFor('carol'),
      body: {},
    });
    return id;
  }

  async function revokeAndDrain(id: string): Promise<void> {
    await broker.call('POST', `/requests/${id}/revoke`, { token: await broker.tokenFor('alice') });
    await broker.drainQueues();
    assert.equal(await statusOf(id), 'revoked');
  }
});

/** The broker's context, but the process dies right after Bastion created the link. */
function crashingAfterCreate(context: BrokerContext): BrokerContext {
  return withLinks(context, {
    createLink: async (bastion, vm) => {
      await context.links.createLink(bastion, vm);
      throw new Error('The process stopped.');
    },
  });
}
