import type { OperationTracker } from './longRunningOperations.js';
import type { PageStore } from './paging.js';
import type { SigningKey } from './signingKey.js';
import type { EmulatorState } from './state.js';

/** What every part of the emulator shares. */
export interface EmulatorContext {
  readonly state: EmulatorState;
  readonly operations: OperationTracker;
  readonly pages: PageStore;
  readonly signingKey: SigningKey;
  /** Most shareable links one Bastion host keeps (500 in Azure). */
  readonly maxLinksPerBastion: number;
  /** The origin the emulator serves, e.g. `https://localhost:7443`; known once listening. */
  url(): string;
}
