import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from './http.js';
import { empty, json } from './http.js';
import { forgetOldest } from './paging.js';
import type { LroSettings } from './state.js';

const maxOperationsKept = 1000;

interface TrackedOperation {
  readonly pollingUrl: string;
  readonly result: EmulatorResponse;
  readonly style: 'location' | 'asyncOperation';
  pollsRemaining: number;
}

/** Builds the URL a client polls for the operation with this id. */
export type PollingUrlFor = (operationId: string) => string;

/**
 * Long-running operations as ARM runs them: the call is answered 202 with a polling URL, polls
 * answer 202 (or `InProgress`) a configurable number of times with `Retry-After`, then the result.
 */
export class OperationTracker {
  private readonly operations = new Map<string, TrackedOperation>();

  constructor(private readonly settings: () => LroSettings) {}

  /** Accepts an operation polled through `Location`, whose final answer is `result`. */
  acceptWithLocation(pollingUrlFor: PollingUrlFor, result: EmulatorResponse): EmulatorResponse {
    const operation = this.track(pollingUrlFor, result, 'location');
    return empty(202, { location: operation.pollingUrl, ...this.retryAfter() });
  }

  /** Accepts an operation polled through `Azure-AsyncOperation` (status documents). */
  acceptWithAsyncOperation(pollingUrlFor: PollingUrlFor): EmulatorResponse {
    const operation = this.track(pollingUrlFor, empty(200), 'asyncOperation');
    return empty(202, { 'azure-asyncoperation': operation.pollingUrl, ...this.retryAfter() });
  }

  /** The answer to one poll, or undefined when no such operation exists. */
  poll(operationId: string): EmulatorResponse | undefined {
    const operation = this.operations.get(operationId);
    if (!operation) {
      return undefined;
    }
    if (operation.pollsRemaining > 0) {
      operation.pollsRemaining -= 1;
      return this.running(operation);
    }
    if (operation.style === 'asyncOperation') {
      return json(200, { status: 'Succeeded' });
    }
    return operation.result;
  }

  private track(
    pollingUrlFor: PollingUrlFor,
    result: EmulatorResponse,
    style: TrackedOperation['style'],
  ): TrackedOperation {
    const operationId = randomUUID();
    const operation = {
      pollingUrl: pollingUrlFor(operationId),
      result,
      style,
      pollsRemaining: this.settings().pollsBeforeDone,
    };
    this.operations.set(operationId, operation);
    forgetOldest(this.operations, maxOperationsKept);
    return operation;
  }

  private running(operation: TrackedOperation): EmulatorResponse {
    if (operation.style === 'asyncOperation') {
      return json(200, { status: 'InProgress' }, this.retryAfter());
    }
    return empty(202, { location: operation.pollingUrl, ...this.retryAfter() });
  }

  private retryAfter(): Record<string, string> {
    return { 'retry-after': String(this.settings().retryAfterSeconds) };
  }
}
