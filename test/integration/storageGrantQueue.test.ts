import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { startAzurite } from '../../dev/azurite.js';
import type { Azurite } from '../../dev/azurite.js';
import {
  StorageGrantQueue,
  grantQueueNames,
} from '../../shared/adapters/storage/storageGrantQueue.js';
import { ManualClock } from '../../shared/domain/clock.js';
import { UpstreamError } from '../../shared/domain/errors.js';
import type { RequestId } from '../../shared/domain/ids.js';

const requestId = (value: string) => value as RequestId;

describe('StorageGrantQueue', () => {
  let location: string;
  let azurite: Azurite;
  let clock: ManualClock;
  let queue: StorageGrantQueue;
  let issueQueue: QueueClient;
  let revokeQueue: QueueClient;

  /** Receives and deletes every visible message, decoded as the Functions trigger would. */
  async function takeAll(client: QueueClient): Promise<unknown[]> {
    const { receivedMessageItems } = await client.receiveMessages({ numberOfMessages: 32 });
    for (const message of receivedMessageItems) {
      await client.deleteMessage(message.messageId, message.popReceipt);
    }
    return receivedMessageItems.map((message) =>
      JSON.parse(Buffer.from(message.messageText, 'base64').toString('utf8')),
    );
  }

  async function countAll(client: QueueClient): Promise<number> {
    return (await client.getProperties()).approximateMessagesCount ?? 0;
  }

  before(async () => {
    location = await mkdtemp(join(tmpdir(), 'azurite-'));
    azurite = await startAzurite({ location });
    clock = new ManualClock(new Date());
    queue = await StorageGrantQueue.connect(azurite.connectionString, clock);
    issueQueue = new QueueClient(azurite.connectionString, grantQueueNames.issue);
    revokeQueue = new QueueClient(azurite.connectionString, grantQueueNames.revoke);
  });

  after(async () => {
    await azurite.close();
    await rm(location, { recursive: true, force: true });
  });

  describe('connect', () => {
    it('creates the grant-issue and grant-revoke queues', async () => {
      const service = QueueServiceClient.fromConnectionString(azurite.connectionString);
      const names: string[] = [];
      for await (const item of service.listQueues()) {
        names.push(item.name);
      }

      assert.ok(names.includes('grant-issue'));
      assert.ok(names.includes('grant-revoke'));
    });
  });

  describe('enqueueIssue', () => {
    it('sends the job as base64-encoded JSON, visible at once', async () => {
      await queue.enqueueIssue({ requestId: requestId('r-issue-1') });

      assert.deepEqual(await takeAll(issueQueue), [{ requestId: 'r-issue-1' }]);
    });
  });

  describe('enqueueRevoke', () => {
    it('sends the job visible at once when no time is given or the time has passed', async () => {
      await queue.enqueueRevoke({ requestId: requestId('r-now') });
      await queue.enqueueRevoke({ requestId: requestId('r-past') }, new Date(0));

      const taken = await takeAll(revokeQueue);

      assert.deepEqual(taken.map((job) => (job as { requestId: string }).requestId).sort(), [
        'r-now',
        'r-past',
      ]);
    });

    it('keeps the job hidden until the time it is asked for', async () => {
      clock.set(new Date());
      const visibleAt = new Date(clock.now().getTime() + 3_600_000);

      await queue.enqueueRevoke({ requestId: requestId('r-later') }, visibleAt);

      assert.deepEqual(await takeAll(revokeQueue), []);
      assert.equal(await countAll(revokeQueue), 1);
    });

    it('caps a delay beyond the service maximum at 7 days instead of failing', async () => {
      clock.set(new Date());
      const visibleAt = new Date(clock.now().getTime() + 30 * 24 * 3_600_000);

      await queue.enqueueRevoke({ requestId: requestId('r-next-month') }, visibleAt);

      assert.deepEqual(await takeAll(revokeQueue), []);
    });
  });

  describe('failures', () => {
    it('raises UpstreamError when the storage account does not answer', async () => {
      const unreachable = new StorageGrantQueue(
        QueueServiceClient.fromConnectionString(
          azurite.connectionString.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:9'),
          { retryOptions: { maxTries: 1 } },
        ),
      );

      await assert.rejects(
        unreachable.enqueueIssue({ requestId: requestId('r-lost') }),
        (error: unknown) => error instanceof UpstreamError && error.dependency === 'storage',
      );
    });
  });
});
