import { QueueClient } from '@azure/storage-queue';
import type { DequeuedMessageItem } from '@azure/storage-queue';
import { ensureError } from '../../shared/domain/errors.js';
import { createLogger } from '../../shared/logger.js';

/** What the handler learns about the message besides its content. */
export interface QueueMessageMeta {
  readonly id: string;
  /** How many times the message has been received, this time included. */
  readonly dequeueCount: number;
  readonly insertedOn: Date;
}

/** Which queue to watch: ready clients for it and its poison queue, or a connection string. */
export type QueueTriggerSource =
  | { readonly queueClient: QueueClient; readonly poisonQueueClient: QueueClient }
  | { readonly connectionString: string; readonly queueName: string };

/** How to drive one queue-triggered function; defaults follow the Functions host. */
export type QueueTriggerOptions = QueueTriggerSource & {
  /** Runs once per message; a rejection means the message is tried again later. */
  readonly handler: (message: unknown, meta: QueueMessageMeta) => Promise<void>;
  /** Pause between polls of an empty queue. */
  readonly pollIntervalInMs?: number;
  /** A message that has failed this many times goes to `<queue>-poison`. */
  readonly maxDequeueCount?: number;
  /** How long a failed message stays hidden before it is retried (host.json `visibilityTimeout`). */
  readonly visibilityTimeoutInSeconds?: number;
  /** How long a received message stays hidden while the handler runs (the host uses 10 minutes). */
  readonly processingTimeoutInSeconds?: number;
  /** Called when the handler fails for a message. */
  readonly onError?: (error: Error, meta: QueueMessageMeta) => void;
  /** Called when the queue itself cannot be read or written. */
  readonly onQueueError?: (error: Error) => void;
};

/** A running queue trigger. */
export interface QueueTrigger {
  /** Stops polling and waits for messages in hand to finish. */
  stop(): Promise<void>;
  /** Processes messages until the queue has no visible message; for tests. */
  drain(): Promise<void>;
}

/** How many messages one receive asks for (the host's default batch size). */
const batchSize = 16;

const log = createLogger('queue-trigger');

/**
 * Drives `handler` from a Storage queue as the Functions host drives `app.storageQueue`: receive
 * up to 16 messages, decode base64 JSON, delete on success; on failure hide the message for the
 * visibility timeout, and once it has failed `maxDequeueCount` times move it to `<queue>-poison`.
 * A message that cannot be decoded goes to the poison queue at once.
 */
export function startQueueTrigger(
  options: QueueTriggerOptions & { readonly autoStart?: boolean },
): QueueTrigger {
  const poller = new QueuePoller(options);
  if (options.autoStart ?? true) {
    poller.start();
  }
  return poller;
}

/** Polls one queue; batches never overlap, whether the poll loop or drain() asks for them. */
class QueuePoller implements QueueTrigger {
  private readonly queue: QueueClient;
  private readonly poisonQueue: QueueClient;
  private readonly pollIntervalInMs: number;
  private readonly maxDequeueCount: number;
  private readonly onQueueError: (error: Error) => void;
  private queuesReady: Promise<unknown> | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: QueueTriggerOptions) {
    [this.queue, this.poisonQueue] =
      'queueClient' in options
        ? [options.queueClient, options.poisonQueueClient]
        : [
            new QueueClient(options.connectionString, options.queueName),
            new QueueClient(options.connectionString, `${options.queueName}-poison`),
          ];
    this.pollIntervalInMs = options.pollIntervalInMs ?? 1000;
    this.maxDequeueCount = options.maxDequeueCount ?? 5;
    this.onQueueError =
      options.onQueueError ??
      ((error) =>
        log.warn('Cannot poll the queue', { queue: this.queue.name, error: error.message }));
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async drain(): Promise<void> {
    while ((await this.processBatchAlone()) > 0) {
      // Keep going until a receive comes back empty.
    }
  }

  private schedule(delayInMs: number): void {
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.poll(), delayInMs);
    }
  }

  private async poll(): Promise<void> {
    const received = await this.processBatchAlone().catch((caught: unknown) => {
      this.onQueueError(ensureError(caught));
      return 0;
    });
    this.schedule(received > 0 ? 0 : this.pollIntervalInMs);
  }

  private processBatchAlone(): Promise<number> {
    const batch = this.running.then(() => this.processBatch());
    this.running = batch.catch(() => undefined);
    return batch;
  }

  /** Receives one batch and handles every message in it; resolves to how many were received. */
  private async processBatch(): Promise<number> {
    await this.ensureQueues();
    const { receivedMessageItems: messages } = await this.queue.receiveMessages({
      numberOfMessages: batchSize,
      visibilityTimeout: this.options.processingTimeoutInSeconds ?? 600,
    });

    const outcomes = await Promise.allSettled(messages.map((message) => this.process(message)));
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      throw failure.reason;
    }
    return messages.length;
  }

  /** Creates both queues before the first receive; tries again next time if that fails. */
  private ensureQueues(): Promise<unknown> {
    this.queuesReady ??= Promise.all([
      this.queue.createIfNotExists(),
      this.poisonQueue.createIfNotExists(),
    ]).catch((caught: unknown) => {
      this.queuesReady = undefined;
      throw caught;
    });
    return this.queuesReady;
  }

  private async process(message: DequeuedMessageItem): Promise<void> {
    const meta: QueueMessageMeta = {
      id: message.messageId,
      dequeueCount: message.dequeueCount,
      insertedOn: message.insertedOn,
    };
    const content = decodeMessage(message.messageText);
    if (content === undefined) {
      this.options.onError?.(new Error('The message is not base64-encoded JSON.'), meta);
      return this.moveToPoison(message);
    }
    // A message whose earlier handler never finished (the process died) can exceed the limit.
    if (message.dequeueCount > this.maxDequeueCount) {
      return this.moveToPoison(message);
    }

    try {
      await this.options.handler(content.value, meta);
    } catch (caught) {
      this.options.onError?.(ensureError(caught), meta);
      return message.dequeueCount >= this.maxDequeueCount
        ? this.moveToPoison(message)
        : this.hideForRetry(message);
    }
    await this.queue.deleteMessage(message.messageId, message.popReceipt);
  }

  private async hideForRetry(message: DequeuedMessageItem): Promise<void> {
    const delayInSeconds = this.options.visibilityTimeoutInSeconds ?? 30;
    await this.queue.updateMessage(
      message.messageId,
      message.popReceipt,
      undefined,
      delayInSeconds,
    );
  }

  /** Copies the message, as it was sent, to the poison queue and removes it from the queue. */
  private async moveToPoison(message: DequeuedMessageItem): Promise<void> {
    await this.poisonQueue.sendMessage(message.messageText, { messageTimeToLive: -1 });
    await this.queue.deleteMessage(message.messageId, message.popReceipt);
  }
}

/** The JSON inside a base64 message, or undefined if it is not base64 of JSON text. */
function decodeMessage(text: string): { readonly value: unknown } | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    return undefined;
  }
  try {
    return { value: JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
}
