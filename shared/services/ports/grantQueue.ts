import type { RequestId } from '../../domain/ids.js';

/** What a queued grant job asks for. */
export interface GrantJob {
  readonly requestId: RequestId;
}

/** The queues that drive issuing and revoking asynchronously from the caller. */
export interface GrantQueue {
  /** Asks for the grant of an approved request to be issued. */
  enqueueIssue(job: GrantJob): Promise<void>;
  /** Asks for the grant to be removed, at `visibleAt` or at once. */
  enqueueRevoke(job: GrantJob, visibleAt?: Date): Promise<void>;
}
