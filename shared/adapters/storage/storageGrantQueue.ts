import type { TokenCredential } from '@azure/core-auth';
import { QueueServiceClient } from '@azure/storage-queue';
import type { QueueClient } from '@azure/storage-queue';
import { systemClock } from '../../domain/clock.js';
import type { Clock } from '../../domain/clock.js';
import { UpstreamError } from '../../domain/errors.js';
import type { GrantJob, GrantQueue } from '../../services/ports/grantQueue.js';

/** Names of the queues the grant functions are triggered by. */
export const grantQueueNames = { issue: 'grant-issue', revoke: 'grant-revoke' } as const;

/** The longest a Storage queue message can stay invisible: 7 days. */
export const maxVisibilityDelayInSeconds = 7 * 24 * 3600;

/** A storage account reached with Entra ID (identity-based connection), for Azure. */
export interface StorageAccountConnection {
  /** `https://<account>.queue.core.windows.net`. */
  readonly queueServiceUrl: string;
  readonly credential: TokenCredential;
}

/**
 * The grant queues in Azure Storage (or Azurite). Messages are base64 of the job's JSON, which is
 * what the Functions queue trigger decodes by default. They never expire (time-to-live -1): a
 * queued revocation must not silently vanish.
 */
export class StorageGrantQueue implements GrantQueue {
  private readonly issueQueue: QueueClient;
  private readonly revokeQueue: QueueClient;

  constructor(
    service: QueueServiceClient,
    private readonly clock: Clock = systemClock,
  ) {
    this.issueQueue = service.getQueueClient(grantQueueNames.issue);
    this.revokeQueue = service.getQueueClient(grantQueueNames.revoke);
  }

  /** Connects by connection string (Azurite) or by identity (Azure) and creates missing queues. */
  static async connect(
    connection: string | StorageAccountConnection,
    clock: Clock = systemClock,
  ): Promise<StorageGrantQueue> {
    const service =
      typeof connection === 'string'
        ? QueueServiceClient.fromConnectionString(connection)
        : new QueueServiceClient(connection.queueServiceUrl, connection.credential);
    const queue = new StorageGrantQueue(service, clock);
    await queue.start();
    return queue;
  }

  /** Creates the grant queues if they do not exist yet. */
  async start(): Promise<void> {
    await call('create the grant queues', () =>
      Promise.all([this.issueQueue.createIfNotExists(), this.revokeQueue.createIfNotExists()]),
    );
  }

  /** Resolves if the storage account answers; throws UpstreamError otherwise. */
  async checkReachable(): Promise<void> {
    await call('read the grant-issue queue', () => this.issueQueue.getProperties());
  }

  async enqueueIssue(job: GrantJob): Promise<void> {
    await this.send(this.issueQueue, job, 0);
  }

  async enqueueRevoke(job: GrantJob, visibleAt?: Date): Promise<void> {
    // Longer windows are covered by the timer sweep; an unusable time means at once (fail safe).
    const delayInMs = visibleAt ? visibleAt.getTime() - this.clock.now().getTime() : 0;
    const delayInSeconds = Number.isFinite(delayInMs)
      ? Math.min(Math.max(Math.ceil(delayInMs / 1000), 0), maxVisibilityDelayInSeconds)
      : 0;
    await this.send(this.revokeQueue, job, delayInSeconds);
  }

  private async send(queue: QueueClient, job: GrantJob, delayInSeconds: number): Promise<void> {
    const text = Buffer.from(JSON.stringify({ requestId: job.requestId }), 'utf8').toString(
      'base64',
    );
    await call(`enqueue a job on ${queue.name}`, () =>
      queue.sendMessage(text, { visibilityTimeout: delayInSeconds, messageTimeToLive: -1 }),
    );
  }
}

/** Runs a storage call, turning its failures into UpstreamError without the service's payload. */
async function call<R>(operation: string, run: () => Promise<R>): Promise<R> {
  try {
    return await run();
  } catch (caught) {
    const failure = caught as { statusCode?: unknown; code?: unknown } | null;
    const status = typeof failure?.statusCode === 'number' ? failure.statusCode : undefined;
    const code = typeof failure?.code === 'string' ? failure.code : undefined;
    const answer = status === undefined ? 'no answer' : `status ${status}`;
    throw new UpstreamError('storage', `Azure Storage could not ${operation} (${answer}).`, {
      cause: new Error(`Azure Storage ${answer}${code ? `, ${code}` : ''}`),
      upstreamStatus: status,
    });
  }
}
