/** A shareable link as the emulated Bastion keeps it (one per VM). */
export interface StoredLink {
  /** The VM's id in its seeded spelling. */
  readonly vmId: string;
  readonly token: string;
  readonly url: string;
  readonly createdAt: string;
}

/** How a simulated session reached the VM. */
export type SessionVia = 'link' | 'tunnel';

/** A simulated live Bastion session. */
export interface StoredSession {
  readonly sessionId: string;
  readonly vmId: string;
  readonly userName: string;
  readonly protocol: 'SSH' | 'RDP';
  readonly via: SessionVia;
  /** Token of the link it was opened through; the session outlives the link, as in Azure. */
  readonly linkToken?: string;
  readonly startTime: string;
}

/** An activity feed notification or mail the broker sent through Graph. */
export interface RecordedNotification {
  readonly kind: 'activity' | 'mail';
  readonly userId: string;
  readonly body: unknown;
  readonly receivedAt: string;
}

/** A failure to inject into the next matching ARM or Graph calls. */
export interface Fault {
  /** HTTP method to match; any when absent. */
  readonly method?: string;
  /** Substring of the path to match (case-insensitive); any when absent. */
  readonly pathContains?: string;
  readonly status: number;
  /** Sent as `Retry-After`; 429 always carries one (1 second unless told). */
  readonly retryAfterSeconds?: number;
  /** How many matching calls fail. */
  readonly times: number;
}

/** How long-running operations behave. */
export interface LroSettings {
  /** How many polls answer 202 before the result is given. */
  readonly pollsBeforeDone: number;
  /** The `Retry-After` sent with every 202. */
  readonly retryAfterSeconds: number;
}

/** One ARM or Graph call the emulator answered, for tests that check timing and retries. */
export interface LoggedCall {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly at: number;
}

/** An NSG security rule as stored (ARM shape without provisioningState). */
export interface StoredSecurityRule {
  readonly name: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** The Bastion host's settings that decide what it allows. */
export interface BastionSettings {
  readonly sku: string;
  readonly enableShareableLink: boolean;
  readonly enableTunneling: boolean;
}

const maxCallsKept = 10_000;

/** Everything the emulator remembers; `reset()` returns it to the seeded start. */
export class EmulatorState {
  readonly links = new Map<string, StoredLink>();
  readonly sessions = new Map<string, StoredSession>();
  readonly notifications: RecordedNotification[] = [];
  readonly faults: { fault: Fault; remaining: number }[] = [];
  readonly calls: LoggedCall[] = [];
  readonly securityRules = new Map<string, StoredSecurityRule>();
  /** Extra groups for tests: group id → ids of the groups it is a member of. */
  readonly nestedGroups = new Map<string, readonly string[]>();
  lro: LroSettings;
  bastion: BastionSettings;

  constructor(
    private readonly initialLro: LroSettings,
    private readonly initialBastion: BastionSettings,
  ) {
    this.lro = initialLro;
    this.bastion = initialBastion;
  }

  /** Forgets links, sessions, notifications, faults, rules and settings. */
  reset(): void {
    this.links.clear();
    this.sessions.clear();
    this.notifications.length = 0;
    this.faults.length = 0;
    this.calls.length = 0;
    this.securityRules.clear();
    this.nestedGroups.clear();
    this.lro = this.initialLro;
    this.bastion = this.initialBastion;
  }

  /** Remembers an answered ARM or Graph call, keeping the latest 10 000. */
  recordCall(call: LoggedCall): void {
    this.calls.push(call);
    if (this.calls.length > maxCallsKept) {
      this.calls.splice(0, this.calls.length - maxCallsKept);
    }
  }

  /** Takes the first fault matching the call, counting it down; undefined when none. */
  takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex(
      ({ fault }) =>
        (!fault.method || fault.method.toUpperCase() === method) &&
        (!fault.pathContains || path.toLowerCase().includes(fault.pathContains.toLowerCase())),
    );
    const entry = this.faults[index];
    if (!entry) {
      return undefined;
    }
    entry.remaining -= 1;
    if (entry.remaining <= 0) {
      this.faults.splice(index, 1);
    }
    return entry.fault;
  }
}
