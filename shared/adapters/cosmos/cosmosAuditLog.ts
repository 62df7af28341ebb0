import { createHash } from 'node:crypto';
import type { Container, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { AuditEvent, AuditFilter, AuditRecord } from '../../domain/auditEvent.js';
import {
  auditChainOf,
  canonicalJson,
  genesisAuditHash,
  hashAuditRecord,
  isAuditChain,
  nextAuditChain,
} from '../../domain/auditHash.js';
import type { AuditHashInput } from '../../domain/auditHash.js';
import type { Clock } from '../../domain/clock.js';
import { UpstreamError } from '../../domain/errors.js';
import type { IdGenerator } from '../../domain/ids.js';
import type { AuditLog } from '../../services/ports/auditLog.js';
import type { Page, PageRequest } from '../../services/ports/documentStore.js';
import { isCosmosStatus, toCosmosUpstreamError } from './cosmosFailure.js';
import { decodePageToken, encodePageToken, invalidToken, verifyPageLimit } from './pageToken.js';

/** An audit record as stored: the record plus look-up fields that the hash does not cover. */
interface StoredAuditRecord extends AuditRecord {
  /** `vmId` in lower case, so that a VM is found however its id was spelled. */
  readonly vmKey?: string;
  /** Identifies one append, so that a write the SDK retried is recognised as our own. */
  readonly appendId: string;
}

/** Where a listing goes on: after `after` in `chain`. */
interface AuditPosition {
  readonly chain: string;
  readonly after: number;
}

/** Tuning of {@link CosmosAuditLog}. */
export interface CosmosAuditLogOptions {
  /** How many times an append races for the chain's next position before giving up. */
  readonly maxAppendAttempts?: number;
}

const highestSequence = 9_999_999_999;

/**
 * The audit trail in the Cosmos DB `audit` container (partition key `/chain`). Each record's id
 * is `<chain>:<sequence, 10 digits>` and is created, never upserted, so two appends racing for
 * one position cannot both succeed: the loser re-reads the chain's tail and tries the next one.
 */
export class CosmosAuditLog implements AuditLog {
  private readonly maxAppendAttempts: number;

  constructor(
    private readonly container: Container,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    options: CosmosAuditLogOptions = {},
  ) {
    this.maxAppendAttempts = options.maxAppendAttempts ?? 50;
  }

  async append(event: AuditEvent): Promise<AuditRecord> {
    const appendId = this.ids.newId();
    for (let attempt = 1; attempt <= this.maxAppendAttempts; attempt++) {
      const stored = await this.chainAfterTail(event, appendId);
      if (await this.tryCreate(stored)) {
        return toRecord(stored);
      }

      // A conflict is either another writer's record or our own, landed by an SDK retry.
      const existing = await this.read(stored.id, stored.chain);
      if (existing?.appendId === appendId) {
        return toRecord(existing);
      }
      await pause(Math.random() * Math.min(5 * attempt, 50));
    }
    throw new UpstreamError(
      'cosmos',
      `Could not append a ${event.action} audit record: ` +
        `${this.maxAppendAttempts} attempts lost the race for the chain's next position.`,
    );
  }

  async query(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>> {
    verifyPageLimit(page.limit);
    if (!(filter.from.getTime() <= filter.to.getTime())) {
      return { items: [] };
    }
    const firstChain = auditChainOf(filter.from);
    const lastChain = auditChainOf(filter.to);
    let position: AuditPosition | undefined =
      page.continuationToken === undefined
        ? await this.positionFrom(firstChain, lastChain)
        : readPosition(page.continuationToken, firstChain, lastChain, filter);

    const items: AuditRecord[] = [];
    while (position) {
      const wanted = page.limit - items.length;
      const found = await this.queryChain(position, filter, wanted + 1);
      items.push(...found.slice(0, wanted));
      if (found.length > wanted) {
        const last = items.at(-1) as AuditRecord;
        const resumeAt = { chain: position.chain, after: last.sequence };
        return { items, continuationToken: encodePosition(resumeAt, filter) };
      }

      position =
        position.chain < lastChain
          ? await this.positionFrom(nextAuditChain(position.chain), lastChain)
          : undefined;
      if (position && items.length === page.limit) {
        return { items, continuationToken: encodePosition(position, filter) };
      }
    }
    return { items };
  }

  /** The record for `event` at the position after the current tail of its month's chain. */
  private async chainAfterTail(event: AuditEvent, appendId: string): Promise<StoredAuditRecord> {
    const time = this.clock.now();
    const chain = auditChainOf(time);
    const tail = await this.findTail(chain);
    const previousHash = tail
      ? tail.hash
      : ((await this.findEarlierTail(chain))?.hash ?? genesisAuditHash);
    const sequence = (tail?.sequence ?? 0) + 1;

    const content: AuditHashInput = {
      ...contentOf(event),
      id: `${chain}:${String(sequence).padStart(10, '0')}`,
      time: time.toISOString(),
      chain,
      sequence,
      previousHash,
    };
    const vmKey = event.vmId?.toLowerCase();
    const stored = { ...content, hash: hashAuditRecord(content), appendId };
    return vmKey === undefined ? stored : { ...stored, vmKey };
  }

  private async tryCreate(stored: StoredAuditRecord): Promise<boolean> {
    try {
      await this.container.items.create(stored);
      return true;
    } catch (caught) {
      if (isCosmosStatus(caught, 409)) {
        return false;
      }
      throw toCosmosUpstreamError(caught, 'append an audit record');
    }
  }

  private async read(id: string, chain: string): Promise<StoredAuditRecord | undefined> {
    try {
      const { resource } = await this.container.item(id, chain).read<StoredAuditRecord>();
      return resource;
    } catch (caught) {
      if (isCosmosStatus(caught, 404)) {
        return undefined;
      }
      throw toCosmosUpstreamError(caught, 'read an audit record');
    }
  }

  /** The last record of `chain`. */
  private async findTail(chain: string): Promise<StoredAuditRecord | undefined> {
    // NOTE: the chain condition repeats the partition key because @vercel/cosmosdb-server does
    // not scope queries to the `partitionKey` option; Azure does, and ignores the redundancy.
    const spec = {
      query: 'SELECT TOP 1 * FROM c WHERE c.chain = @chain ORDER BY c.sequence DESC',
      parameters: [{ name: '@chain', value: chain }],
    };
    const [tail] = await this.fetch<StoredAuditRecord>(spec, 1, chain);
    return tail;
  }

  /** The last record of the latest chain before `chain`, if any. */
  private async findEarlierTail(chain: string): Promise<StoredAuditRecord | undefined> {
    const spec = {
      query: 'SELECT TOP 1 * FROM c WHERE c.chain < @chain ORDER BY c.chain DESC, c.sequence DESC',
      parameters: [{ name: '@chain', value: chain }],
    };
    const [tail] = await this.fetch<StoredAuditRecord>(spec, 1);
    return tail;
  }

  /** The start of the first chain from `first` to `last` that has records (skips empty months). */
  private async positionFrom(first: string, last: string): Promise<AuditPosition | undefined> {
    const spec = {
      query:
        'SELECT TOP 1 VALUE c.chain FROM c ' +
        'WHERE c.chain >= @first AND c.chain <= @last ORDER BY c.chain',
      parameters: [
        { name: '@first', value: first },
        { name: '@last', value: last },
      ],
    };
    const [chain] = await this.fetch<string>(spec, 1);
    return chain === undefined ? undefined : { chain, after: 0 };
  }

  /** Up to `count` records of the position's chain after it that match the filter. */
  private async queryChain(
    { chain, after }: AuditPosition,
    filter: AuditFilter,
    count: number,
  ): Promise<AuditRecord[]> {
    const conditions = [
      'c.chain = @chain',
      'c.sequence > @after',
      'c.time >= @from',
      'c.time <= @to',
    ];
    const parameters: SqlParameter[] = [
      { name: '@chain', value: chain },
      { name: '@after', value: after },
      { name: '@from', value: filter.from.toISOString() },
      { name: '@to', value: filter.to.toISOString() },
    ];
    const optional = {
      actorId: filter.actorId,
      vmKey: filter.vmId?.toLowerCase(),
      requestId: filter.requestId,
      action: filter.action,
    };
    for (const [field, value] of Object.entries(optional)) {
      if (value !== undefined) {
        conditions.push(`c.${field} = @${field}`);
        parameters.push({ name: `@${field}`, value });
      }
    }

    const query = `SELECT * FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.sequence ASC`;
    const stored = await this.fetch<StoredAuditRecord>({ query, parameters }, count, chain);
    return stored.map(toRecord);
  }

  /** Up to `count` results, from one partition when `chain` is given. */
  private async fetch<R>(spec: SqlQuerySpec, count: number, chain?: string): Promise<R[]> {
    try {
      const iterator = this.container.items.query<R>(spec, {
        maxItemCount: count,
        ...(chain === undefined ? {} : { partitionKey: chain }),
      });
      const results: R[] = [];
      while (results.length < count && iterator.hasMoreResults()) {
        results.push(...(await iterator.fetchNext()).resources);
      }
      return results.slice(0, count);
    } catch (caught) {
      throw toCosmosUpstreamError(caught, 'query the audit trail');
    }
  }
}

function contentOf(event: AuditEvent): AuditEvent {
  const { action, actorId, vmId, requestId, message, details } = event;
  return dropUndefined({ action, actorId, vmId, requestId, message, details });
}

function toRecord(stored: StoredAuditRecord): AuditRecord {
  const { id, time, chain, sequence, previousHash, hash } = stored;
  return dropUndefined({
    ...contentOf(stored),
    id,
    time,
    chain,
    sequence,
    previousHash,
    hash,
  });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, member]) => member !== undefined),
  ) as T;
}

function encodePosition(position: AuditPosition, filter: AuditFilter): string {
  return encodePageToken({ chain: position.chain, after: position.after, f: filterDigest(filter) });
}

/**
 * A short digest of the filters other than time, kept in the token so that a token is honoured
 * only for the listing that issued it (the time range may move with "now" between pages).
 */
function filterDigest(filter: AuditFilter): string {
  const { actorId, vmId, requestId, action } = filter;
  const text = canonicalJson({ actorId, vmId: vmId?.toLowerCase(), requestId, action });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function readPosition(
  token: string,
  firstChain: string,
  lastChain: string,
  filter: AuditFilter,
): AuditPosition {
  const decoded = decodePageToken(token) as Record<string, unknown> | null;
  const keys = typeof decoded === 'object' && decoded !== null ? Object.keys(decoded).sort() : [];
  if (keys.join() !== 'after,chain,f' || !decoded) {
    throw invalidToken('it is not one the audit trail issued');
  }
  if (decoded.f !== filterDigest(filter)) {
    throw invalidToken('it was issued for other filters');
  }
  const { chain, after } = decoded;
  if (!isAuditChain(chain) || chain < firstChain || chain > lastChain) {
    throw invalidToken('it points outside the requested time range');
  }
  if (
    !Number.isSafeInteger(after) ||
    (after as number) < 0 ||
    (after as number) > highestSequence
  ) {
    throw invalidToken('it does not hold a position in the trail');
  }
  return { chain, after: after as number };
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
