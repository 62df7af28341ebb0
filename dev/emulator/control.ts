import { randomUUID } from 'node:crypto';
import { linkKey } from './armBastionLinks.js';
import type { EmulatorContext } from './context.js';
import { findVm } from './estate.js';
import type {
  BastionSettings,
  Fault,
  LoggedCall,
  LroSettings,
  RecordedNotification,
  SessionVia,
  StoredLink,
  StoredSession,
} from './state.js';

/** What it takes to open a simulated Bastion session. */
export interface SessionInput {
  readonly vmId: string;
  readonly userName: string;
  readonly protocol: 'SSH' | 'RDP' | 'ssh' | 'rdp';
  readonly via: SessionVia;
}

/** A control call that cannot be done; carries the HTTP status the inspection API answers. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Inspection and failure injection, shared by the `/_emulator` API and the typed helpers. */
export class EmulatorControl {
  constructor(private readonly context: EmulatorContext) {}

  /** Every shareable link the Bastion host keeps. */
  links(): StoredLink[] {
    return [...this.context.state.links.values()];
  }

  /** Every live simulated session. */
  sessions(): StoredSession[] {
    return [...this.context.state.sessions.values()];
  }

  /** Opens a session the way a user of a link or of the native client would. */
  openSession(input: SessionInput): StoredSession {
    const vm = findVm(input.vmId);
    if (!vm) {
      throw new ControlError(404, 'vm-not-found', 'There is no such VM in the seeded estate.');
    }
    const protocol = input.protocol.toUpperCase();
    if ((protocol !== 'SSH' && protocol !== 'RDP') || !['link', 'tunnel'].includes(input.via)) {
      throw new ControlError(
        400,
        'invalid-session',
        'protocol must be SSH or RDP, via link or tunnel.',
      );
    }
    const link = this.context.state.links.get(linkKey(vm.id));
    if (input.via === 'link' && !link) {
      throw new ControlError(
        409,
        'no-link',
        'The VM has no shareable link to open a session with.',
      );
    }

    const session: StoredSession = {
      sessionId: randomUUID(),
      vmId: vm.id,
      userName: input.userName,
      protocol,
      via: input.via,
      ...(input.via === 'link' && link ? { linkToken: link.token } : {}),
      startTime: new Date().toISOString(),
    };
    this.context.state.sessions.set(session.sessionId, session);
    return session;
  }

  /** Activity notifications and mails received through Graph, oldest first. */
  notifications(): RecordedNotification[] {
    return [...this.context.state.notifications];
  }

  /** Makes the next `fault.times` matching ARM or Graph calls fail with `fault.status`. */
  injectFault(fault: Fault): void {
    if (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599) {
      throw new ControlError(400, 'invalid-fault', 'status must be an HTTP error status.');
    }
    if (!Number.isInteger(fault.times) || fault.times < 1) {
      throw new ControlError(400, 'invalid-fault', 'times must be a positive integer.');
    }
    this.context.state.faults.push({ fault, remaining: fault.times });
  }

  /** Changes how many polls long-running operations take, and the Retry-After they send. */
  setLro(settings: Partial<LroSettings>): LroSettings {
    const next = { ...this.context.state.lro, ...settings };
    if (!isCount(next.pollsBeforeDone) || !isCount(next.retryAfterSeconds)) {
      throw new ControlError(
        400,
        'invalid-lro',
        'pollsBeforeDone and retryAfterSeconds must be ≥ 0.',
      );
    }
    this.context.state.lro = next;
    return next;
  }

  /** Changes the Bastion host's SKU or settings (to see what the broker does without links). */
  configureBastion(settings: Partial<BastionSettings>): BastionSettings {
    this.context.state.bastion = { ...this.context.state.bastion, ...settings };
    return this.context.state.bastion;
  }

  /** Declares that `groupId` is a member of `parentGroupIds`, for transitive membership. */
  nestGroup(groupId: string, parentGroupIds: readonly string[]): void {
    this.context.state.nestedGroups.set(
      groupId.toLowerCase(),
      parentGroupIds.map((id) => id.toLowerCase()),
    );
  }

  /** ARM and Graph calls answered so far, oldest first. */
  calls(): LoggedCall[] {
    return [...this.context.state.calls];
  }

  /** Back to the seeded start: no links, sessions, notifications, faults or rules. */
  reset(): void {
    this.context.state.reset();
  }
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
