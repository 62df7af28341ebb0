/**
 * Counts refused bearer tokens in this process between sweeps. Anyone can present a bad token, so
 * refusals are not audited one by one (that would let anonymous callers write to, and contend for,
 * the audit trail); the sweep records one `auth.rejected` summary per run instead.
 */
export class RejectedTokenCounter {
  private counts = new Map<string, number>();

  /** Counts one refusal with the problem code it was answered with. */
  count(code: string): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }

  /** The counts since the last call, which starts a new period. */
  takeCounts(): Record<string, number> {
    const taken = Object.fromEntries(this.counts);
    this.counts = new Map();
    return taken;
  }
}

/** The process's counter. */
export const rejectedTokens = new RejectedTokenCounter();
