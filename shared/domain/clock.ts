/** The source of the current time; injectable so expiry is testable without sleeping. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move; for tests. */
export class ManualClock implements Clock {
  private current: Date;

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward. */
  advance(byMs: number): void {
    this.current = new Date(this.current.getTime() + byMs);
  }

  /** Sets the clock to an instant. */
  set(to: Date | string): void {
    this.current = new Date(to);
  }
}
