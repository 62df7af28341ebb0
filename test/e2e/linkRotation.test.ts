import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { estateIds } from '../../dev/seed.js';
import { parseResourceId } from '../../shared/domain/resourceId.js';
import { issueGrant } from '../../shared/services/issueGrant.js';
import { revokeGrant } from '../../shared/services/revokeGrant.js';
import type { TestBroker } from '../support/testBroker.js';
import {
  aPendingRequest,
  anActiveGrant,
  startTestBroker,
  viewRequest,
  withLinks,
} from '../support/testBroker.js';

const minute = 60_000;
const bastion = parseResourceId(estateIds.bastion, 'bastionHost');
const linuxVm = parseResourceId(estateIds.linuxVm, 'virtualMachine');

describe('a shared link under concurrency', () => {
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker.close();
  });
  beforeEach(async () => {
    broker.clock.advance(10 * minute);
    await broker.sweep();
    broker.running.azure.reset();
  });

  async function askToRevoke(id: string, alias: string): Promise<void> {
    await broker.call('POST', `/requests/${id}/revoke`, { token: await broker.tokenFor(alias) });
  }

  function createCalls(): number {
    return broker.running.azure
      .calls()
      .filter((call) => call.path.endsWith('/createShareableLinks')).length;
  }

  it('hands a grant issued during a rotation the new link, never the deleted one', async () => {
    const alice = await anActiveGrant(broker, 'alice');
    const bob = await aPendingRequest(broker, 'bob');
    await broker.call('POST', `/requests/${bob}/approve`, {
      token: await broker.tokenFor('carol'),
      body: {},
    });
    const context = await broker.context();
    let releaseCreate = () => {};
    const held = new Promise<void>((resolve) => (releaseCreate = resolve));
    const slowCreate = withLinks(context, {
      createLink: async (host, vm) => {
        const link = await context.links.createLink(host, vm);
        await held;
        return link;
      },
    });

    const issuing = issueGrant(slowCreate, bob, { finalAttempt: false }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await askToRevoke(alice, 'alice');
    await revokeGrant(context, alice);
    releaseCreate();
    await issuing;
    await issueGrant(context, bob, { finalAttempt: false });

    const bobs = await viewRequest(broker, bob, 'bob');
    assert.equal(bobs.status, 'active');
    assert.equal(bobs.link, broker.running.azure.links()[0]?.url);
    await askToRevoke(bob, 'bob');
    await broker.drainQueues();
  });

  it('keeps the rotated link when the same removal runs twice at once', async () => {
    const alice = await anActiveGrant(broker, 'alice');
    const bob = await anActiveGrant(broker, 'bob');
    const context = await broker.context();
    broker.running.azure.setLro({ pollsBeforeDone: 2, retryAfterSeconds: 1 });
    await askToRevoke(alice, 'alice');

    await Promise.allSettled([revokeGrant(context, alice), revokeGrant(context, alice)]);
    broker.running.azure.setLro({ pollsBeforeDone: 0, retryAfterSeconds: 0 });
    broker.clock.advance(minute);
    await broker.sweep();

    assert.equal((await viewRequest(broker, alice, 'alice')).status, 'revoked');
    const bobs = await viewRequest(broker, bob, 'bob');
    assert.equal(bobs.status, 'active');
    assert.equal(broker.running.azure.links().length, 1);
    assert.equal(bobs.link, broker.running.azure.links()[0]?.url);
    await askToRevoke(bob, 'bob');
    await broker.drainQueues();
  });

  it('ends grants that expire together with one removal and no needless new link', async () => {
    const grants = [
      await anActiveGrant(broker, 'alice'),
      await anActiveGrant(broker, 'bob'),
      await anActiveGrant(broker, 'dave'),
    ];
    const creates = createCalls();
    broker.clock.advance(61 * minute);

    await broker.sweep();

    for (const [index, alias] of ['alice', 'bob', 'dave'].entries()) {
      assert.equal((await viewRequest(broker, grants[index] as string, alias)).status, 'expired');
    }
    assert.equal(createCalls(), creates, 'no link made for grants that were over');
    assert.deepEqual(broker.running.azure.links(), []);
  });

  it('replaces a link that is not the one the broker issued', async () => {
    const alice = await anActiveGrant(broker, 'alice');
    const context = await broker.context();
    const issued = (await viewRequest(broker, alice, 'alice')).link as string;
    await context.links.deleteLink(bastion, linuxVm, issued);
    const foreign = await context.links.createLink(bastion, linuxVm);
    assert.equal(
      (await viewRequest(broker, alice, 'alice')).link,
      undefined,
      'a foreign link is never handed out',
    );

    broker.clock.advance(2 * minute);
    await broker.sweep();

    const repaired = (await viewRequest(broker, alice, 'alice')).link;
    assert.equal(typeof repaired, 'string');
    assert.notEqual(repaired, foreign.url);
    assert.deepEqual(
      broker.running.azure.links().map((link) => link.url),
      [repaired],
    );
    await askToRevoke(alice, 'alice');
    await broker.drainQueues();
  });
});
