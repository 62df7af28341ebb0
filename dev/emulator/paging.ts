import { randomUUID } from 'node:crypto';

/** One page of a listing in ARM's `{value, nextLink}` shape. */
export interface ArmPage {
  readonly value: readonly unknown[];
  readonly nextLink?: string;
}

/** How many snapshots (and operations) are kept before the oldest are forgotten. */
const maxKept = 1000;

/** Drops the oldest entries of an insertion-ordered map beyond `limit`, so a long run stays small. */
export function forgetOldest(entries: Map<string, unknown>, limit: number): void {
  for (const key of entries.keys()) {
    if (entries.size <= limit) {
      return;
    }
    entries.delete(key);
  }
}

/** Builds the `nextLink` of the page of snapshot `snapshotId` that starts at `offset`. */
export type NextLinkFor = (snapshotId: string, offset: number) => string;

/**
 * Listings cut into small pages. Each listing is kept as a snapshot, so following `nextLink`
 * gives the rest of the answer as it was, the way ARM's continuation works.
 */
export class PageStore {
  private readonly snapshots = new Map<string, readonly unknown[]>();

  constructor(private readonly pageSize: number) {}

  /** The first page of `items`, linking to the rest. */
  firstPage(items: readonly unknown[], nextLinkFor: NextLinkFor): ArmPage {
    const snapshotId = randomUUID();
    this.snapshots.set(snapshotId, items);
    forgetOldest(this.snapshots, maxKept);
    return this.cut(snapshotId, items, 0, nextLinkFor);
  }

  /** The page of a snapshot starting at `offset`, or undefined when there is no such page. */
  page(snapshotId: string, offset: number, nextLinkFor: NextLinkFor): ArmPage | undefined {
    const items = this.snapshots.get(snapshotId);
    if (!items || !Number.isInteger(offset) || offset < 0 || offset > items.length) {
      return undefined;
    }
    return this.cut(snapshotId, items, offset, nextLinkFor);
  }

  private cut(
    snapshotId: string,
    items: readonly unknown[],
    offset: number,
    nextLinkFor: NextLinkFor,
  ): ArmPage {
    const end = offset + this.pageSize;
    const value = items.slice(offset, end);
    return end < items.length ? { value, nextLink: nextLinkFor(snapshotId, end) } : { value };
  }
}
