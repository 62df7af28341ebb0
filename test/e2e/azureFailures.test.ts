import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { estateIds } from '../../dev/seed.js';
import { issueGrant } from '../../shared/services/issueGrant.js';
import type { TestBroker } from '../support/testBroker.js';
import {
  aPendingRequest,
  anActiveGrant,
  startTestBroker,
  viewRequest,
} from '../support/testBroker.js';

const minute = 60_000;
const notLast = { finalAttempt: false };

describe('the broker when Azure fails', () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker.close();
  });
  beforeEach(async () => {
    broker.running.azure.reset();
    await broker.drainQueues();
    await broker.sweep();
  });

  function refuseNextCreate(status: number): void {
    broker.running.azure.injectFault({ pathContains: 'createShareableLinks', status, times: 1 });
  }

  async function approve(id: string): Promise<void> {
    await broker.call('POST', `/requests/${id}/approve`, {
      token: await broker.tokenFor('carol'),
      body: {},
    });
  }

  async function revoke(id: string): Promise<void> {
    await broker.call('POST', `/requests/${id}/revoke`, { token: await broker.tokenFor('alice') });
    await broker.drainQueues();
    await broker.sweep();
  }

  it('leaves an active grant alone when a late duplicate issue is refused by Azure', async () => {
    const id = await anActiveGrant(broker);
    broker.running.azure.injectFault({
      pathContains: 'createShareableLinks',
      status: 400,
      times: 1,
    });

    await issueGrant(await broker.context(), id, notLast);

    const current = await viewRequest(broker, id);
    assert.equal(current.status, 'active');
    assert.equal(typeof current.link, 'string', 'the active grant keeps its link');
    await revoke(id);
  });

  it('keeps an approved request and retries when Azure answers 409 (operation in progress)', async () => {
    const id = await aPendingRequest(broker);
    refuseNextCreate(409);
    await approve(id);

    await assert.rejects(issueGrant(await broker.context(), id, notLast));
    assert.equal((await viewRequest(broker, id)).status, 'approved');
    await issueGrant(await broker.context(), id, notLast);
    assert.equal((await viewRequest(broker, id)).status, 'active');
    await revoke(id);
  });

  it('fails a grant that could not be issued within 30 minutes of approval', async () => {
    const id = await aPendingRequest(broker);
    refuseNextCreate(409);
    await approve(id);
    await assert.rejects(issueGrant(await broker.context(), id, notLast));

    broker.clock.advance(31 * minute);
    await issueGrant(await broker.context(), id, notLast);
    const failed = await viewRequest(broker, id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.failureReason as string, /30 minutes/);
    assert.deepEqual(broker.running.azure.links(), []);
  });

  it('retries its own removal at once after a failure, without waiting out another worker', async () => {
    const id = await anActiveGrant(broker);
    broker.running.azure.openSession({
      vmId: estateIds.linuxVm,
      userName: 'azureuser',
      protocol: 'SSH',
      via: 'link',
    });
    broker.running.azure.injectFault({
      pathContains: 'disconnectActiveSessions',
      status: 500,
      times: 20,
    });
    await broker.call('POST', `/requests/${id}/revoke`, { token: await broker.tokenFor('alice') });
    await broker.drainQueues();

    const pending = await viewRequest(broker, id);
    assert.equal(pending.status, 'active');
    assert.equal(pending.revocationPending, true);
    assert.ok((pending.revocationAttempts as number) >= 1);
    assert.equal(pending.link, undefined);

    broker.running.azure.reset();
    broker.clock.advance(minute);
    await broker.sweep();
    assert.equal((await viewRequest(broker, id)).status, 'revoked');
    assert.deepEqual(broker.running.azure.sessions(), []);
  });

  it('stops handing out the link once the window has ended, before any sweep', async () => {
    const id = await anActiveGrant(broker, 'alice', { duration: 'PT1H' });
    assert.equal(typeof (await viewRequest(broker, id)).link, 'string');
    broker.clock.advance(61 * minute);
    assert.equal((await viewRequest(broker, id)).link, undefined);
    await broker.sweep();
    assert.equal((await viewRequest(broker, id)).status, 'expired');
  });
});
