import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { QueueClient } from '@azure/storage-queue';
import { startAzurite } from '../../dev/azurite.js';
import type { Azurite } from '../../dev/azurite.js';
import { startQueueTrigger } from '../../dev/host/queueTrigger.js';
import type { QueueMessageMeta, QueueTrigger } from '../../dev/host/queueTrigger.js';

interface Delivery {
  readonly message: unknown;
  readonly meta: QueueMessageMeta;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('startQueueTrigger', () => {
  let location: string;
  let azurite: Azurite;
  let triggers: QueueTrigger[] = [];

  /** A fresh queue and its poison queue. */
  async function aQueue() {
    const name = `q-${randomUUID().slice(0, 8)}`;
    const queue = new QueueClient(azurite.connectionString, name);
    const poison = new QueueClient(azurite.connectionString, `${name}-poison`);
    await queue.create();
    return { name, queue, poison };
  }

  /** Starts a trigger that records deliveries and fails while `fail` says so. */
  function aTrigger(
    queueName: string,
    options: { fail?: (delivery: Delivery) => boolean; maxDequeueCount?: number } = {},
  ) {
    const deliveries: Delivery[] = [];
    const errors: Error[] = [];
    const trigger = startQueueTrigger({
      connectionString: azurite.connectionString,
      queueName,
      pollIntervalInMs: 10_000,
      maxDequeueCount: options.maxDequeueCount,
      visibilityTimeoutInSeconds: 0,
      handler: async (message, meta) => {
        deliveries.push({ message, meta });
        if (options.fail?.({ message, meta })) {
          throw new Error(`handler failed on try ${meta.dequeueCount}`);
        }
      },
      onError: (error) => errors.push(error),
    });
    triggers.push(trigger);
    return { trigger, deliveries, errors };
  }

  async function peekTexts(queue: QueueClient): Promise<string[]> {
    const { peekedMessageItems } = await queue.peekMessages({ numberOfMessages: 32 });
    return peekedMessageItems.map((message) => message.messageText);
  }

  before(async () => {
    location = await mkdtemp(join(tmpdir(), 'azurite-'));
    azurite = await startAzurite({ location });
  });

  afterEach(async () => {
    await Promise.all(triggers.map((trigger) => trigger.stop()));
    triggers = [];
  });

  after(async () => {
    await azurite.close();
    await rm(location, { recursive: true, force: true });
  });

  describe('drain', () => {
    it('hands the handler the decoded JSON and deletes the message on success', async () => {
      const { name, queue } = await aQueue();
      await queue.sendMessage(encode({ requestId: 'r-1', nested: { ok: true } }));
      const { trigger, deliveries } = aTrigger(name);

      await trigger.drain();

      assert.deepEqual(
        deliveries.map(({ message, meta }) => [message, meta.dequeueCount]),
        [[{ requestId: 'r-1', nested: { ok: true } }, 1]],
      );
      assert.ok(deliveries[0]?.meta.insertedOn instanceof Date);
      assert.equal((await queue.getProperties()).approximateMessagesCount, 0);
    });

    it('retries a failed message and deletes it once the handler succeeds', async () => {
      const { name, queue, poison } = await aQueue();
      await queue.sendMessage(encode({ requestId: 'r-2' }));
      const { trigger, deliveries, errors } = aTrigger(name, {
        fail: ({ meta }) => meta.dequeueCount < 2,
      });

      await trigger.drain();

      assert.deepEqual(
        deliveries.map(({ meta }) => meta.dequeueCount),
        [1, 2],
      );
      assert.equal(errors.length, 1);
      assert.equal((await queue.getProperties()).approximateMessagesCount, 0);
      assert.deepEqual(await peekTexts(poison), []);
    });

    it('moves a message to <queue>-poison after it failed maxDequeueCount times', async () => {
      const { name, queue, poison } = await aQueue();
      const text = encode({ requestId: 'r-3' });
      await queue.sendMessage(text);
      const { trigger, deliveries, errors } = aTrigger(name, {
        fail: () => true,
        maxDequeueCount: 3,
      });

      await trigger.drain();

      assert.deepEqual(
        deliveries.map(({ meta }) => meta.dequeueCount),
        [1, 2, 3],
      );
      assert.equal(errors.length, 3);
      assert.equal((await queue.getProperties()).approximateMessagesCount, 0);
      assert.deepEqual(await peekTexts(poison), [text]);
    });

    it('moves a message that is not base64 JSON to the poison queue without calling the handler', async () => {
      const { name, queue, poison } = await aQueue();
      await queue.sendMessage('{"requestId":"plain JSON, not base64"}');
      await queue.sendMessage(Buffer.from('not json').toString('base64'));
      const { trigger, deliveries, errors } = aTrigger(name);

      await trigger.drain();

      assert.deepEqual(deliveries, []);
      assert.equal(errors.length, 2);
      assert.equal((await peekTexts(poison)).length, 2);
    });

    it('leaves a message that is not visible yet alone', async () => {
      const { name, queue } = await aQueue();
      await queue.sendMessage(encode({ requestId: 'r-later' }), { visibilityTimeout: 3600 });
      const { trigger, deliveries } = aTrigger(name);

      await trigger.drain();

      assert.deepEqual(deliveries, []);
      assert.equal((await queue.getProperties()).approximateMessagesCount, 1);
    });
  });

  describe('polling', () => {
    it('processes a message without being drained', async () => {
      const { name, queue } = await aQueue();
      let delivered: (message: unknown) => void = () => undefined;
      const received = new Promise<unknown>((resolve) => (delivered = resolve));
      triggers.push(
        startQueueTrigger({
          connectionString: azurite.connectionString,
          queueName: name,
          pollIntervalInMs: 20,
          handler: async (message) => delivered(message),
        }),
      );

      await queue.sendMessage(encode({ requestId: 'r-polled' }));

      assert.deepEqual(await received, { requestId: 'r-polled' });
    });
  });
});
