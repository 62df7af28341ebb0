import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CosmosClient } from '@azure/cosmos';
import type { Container } from '@azure/cosmos';
import { ensureDevCertificates } from '../../dev/certificates.js';
import { startCosmosEmulator } from '../../dev/cosmos.js';
import type { CosmosEmulator } from '../../dev/cosmos.js';
import { CosmosAuditLog } from '../../shared/adapters/cosmos/cosmosAuditLog.js';
import { brokerContainerDefinitions } from '../../shared/adapters/cosmos/cosmosDatabase.js';
import type { AuditEvent, AuditFilter, AuditRecord } from '../../shared/domain/auditEvent.js';
import { genesisAuditHash, hashAuditRecord } from '../../shared/domain/auditHash.js';
import { ManualClock } from '../../shared/domain/clock.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { sequentialIdGenerator } from '../../shared/domain/ids.js';

const linuxVm =
  '/subscriptions/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/resourceGroups/rg-workloads' +
  '/providers/Microsoft.Compute/virtualMachines/vm-linux-01';

function anEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    action: 'request.created',
    actorId: 'alice',
    vmId: linuxVm,
    requestId: 'request-1',
    message: 'Alice asked for access to vm-linux-01.',
    details: { durationInMinutes: 60, ticket: null },
    ...overrides,
  };
}

/** Asserts that records, in chain order, link up and that each hash covers its content. */
function assertLinked(records: readonly AuditRecord[], firstPreviousHash: string): void {
  records.forEach((record, index) => {
    const { hash, ...content } = record;
    assert.equal(hash, hashAuditRecord(content), `hash of ${record.id}`);
    const expectedPrevious = index === 0 ? firstPreviousHash : records[index - 1]?.hash;
    assert.equal(record.previousHash, expectedPrevious, `link of ${record.id}`);
  });
}

const everything: AuditFilter = {
  from: new Date('2000-01-01T00:00:00Z'),
  to: new Date('2099-12-31T23:59:59Z'),
};

const isInvalidToken = (error: unknown) =>
  error instanceof ValidationError && error.code === 'invalid-continuation-token';

describe('CosmosAuditLog', () => {
  let emulator: CosmosEmulator;
  let client: CosmosClient;

  /** An audit log over an empty audit container of its own, at a manual clock. */
  async function anAuditLog(start = '2026-01-15T12:00:00Z') {
    const { database } = await client.databases.createIfNotExists({ id: 'audit-tests' });
    const { container } = await database.containers.createIfNotExists({
      ...brokerContainerDefinitions.audit,
      id: `audit-${randomUUID()}`,
    });
    const clock = new ManualClock(start);
    return {
      log: new CosmosAuditLog(container, clock, sequentialIdGenerator('append')),
      clock,
      container,
    };
  }

  async function readEverything(log: CosmosAuditLog, filter = everything, limit = 100) {
    const pages = [];
    let continuationToken: string | undefined;
    do {
      const page = await log.query(filter, { limit, continuationToken });
      pages.push(page);
      continuationToken = page.continuationToken;
    } while (continuationToken && pages.length < 50);
    return pages;
  }

  before(async () => {
    emulator = await startCosmosEmulator({ tls: await ensureDevCertificates() });
    client = new CosmosClient({ endpoint: emulator.endpoint, key: emulator.key });
  });

  after(async () => {
    client.dispose();
    await emulator.close();
  });

  describe('append', () => {
    it('numbers records within the month and chains each to the previous by hash', async () => {
      const { log, clock } = await anAuditLog();

      const appended: AuditRecord[] = [];
      for (const action of ['request.created', 'request.approved', 'grant.issued'] as const) {
        appended.push(await log.append(anEvent({ action })));
        clock.advance(1_000);
      }

      assert.deepEqual(
        appended.map((record) => [record.id, record.chain, record.sequence]),
        [
          ['2026-01:0000000001', '2026-01', 1],
          ['2026-01:0000000002', '2026-01', 2],
          ['2026-01:0000000003', '2026-01', 3],
        ],
      );
      assert.equal(appended[0]?.time, '2026-01-15T12:00:00.000Z');
      assertLinked(appended, genesisAuditHash);
    });

    it('starts a new month at 1, chained to the last record of the latest earlier month', async () => {
      const { log, clock } = await anAuditLog('2026-01-31T23:59:59Z');
      const january = await log.append(anEvent());
      clock.set('2026-04-01T00:00:00Z');

      const april = await log.append(anEvent({ action: 'grant.expired' }));

      assert.equal(april.chain, '2026-04');
      assert.equal(april.sequence, 1);
      assert.equal(april.previousHash, january.hash);
    });

    it('gives 20 concurrent appends 20 distinct consecutive positions in one valid chain', async () => {
      const { log } = await anAuditLog();

      const appended = await Promise.all(
        Array.from({ length: 20 }, (_, index) => log.append(anEvent({ requestId: `r-${index}` }))),
      );

      const inChainOrder = [...appended].sort((a, b) => a.sequence - b.sequence);
      assert.deepEqual(
        inChainOrder.map((record) => record.sequence),
        Array.from({ length: 20 }, (_, index) => index + 1),
      );
      assertLinked(inChainOrder, genesisAuditHash);
      const stored = (await log.query(everything, { limit: 100 })).items;
      assert.deepEqual(stored, inChainOrder);
    });

    it('stores a lower-case VM key beside the record but returns only the record', async () => {
      const { log, container } = await anAuditLog();

      const record = await log.append(anEvent());

      const { resource } = await (container as Container).item(record.id, record.chain).read();
      assert.equal(resource?.vmKey, linuxVm.toLowerCase());
      assert.deepEqual((await log.query(everything, { limit: 1 })).items, [record]);
    });
  });

  describe('query', () => {
    it('filters by actor, VM (ignoring case), request, action and time range', async () => {
      const { log, clock } = await anAuditLog();
      const created = await log.append(anEvent());
      clock.advance(60_000);
      const approved = await log.append(
        anEvent({ action: 'request.approved', actorId: 'carol', message: 'Carol approved.' }),
      );
      clock.advance(60_000);
      const other = await log.append(
        anEvent({
          vmId: undefined,
          requestId: 'request-2',
          actorId: 'bob',
          action: 'policy.loaded',
        }),
      );
      const listed = async (filter: Partial<AuditFilter>) =>
        (await log.query({ ...everything, ...filter }, { limit: 100 })).items.map((r) => r.id);

      assert.deepEqual(await listed({ actorId: 'carol' }), [approved.id]);
      assert.deepEqual(await listed({ vmId: linuxVm.toUpperCase() }), [created.id, approved.id]);
      assert.deepEqual(await listed({ requestId: 'request-2' }), [other.id]);
      assert.deepEqual(await listed({ action: 'request.created' }), [created.id]);
      assert.deepEqual(
        await listed({ from: new Date(approved.time), to: new Date(approved.time) }),
        [approved.id],
      );
      assert.deepEqual(await listed({ actorId: '" OR 1 = 1 OR c.actorId = "' }), []);
    });

    it('pages oldest first across months, skipping months without records', async () => {
      const { log, clock } = await anAuditLog('2026-01-30T00:00:00Z');
      const appended: AuditRecord[] = [];
      for (const time of ['2026-01-30', '2026-01-31', '2026-03-01', '2026-03-02', '2026-03-03']) {
        clock.set(`${time}T08:00:00Z`);
        appended.push(await log.append(anEvent()));
      }
      const filter = {
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-03-31T00:00:00Z'),
      };

      const pages = await readEverything(log, filter, 2);

      assert.deepEqual(
        pages.map((page) => page.items.map((record) => `${record.chain}/${record.sequence}`)),
        [['2026-01/1', '2026-01/2'], ['2026-03/1', '2026-03/2'], ['2026-03/3']],
      );
      assert.deepEqual(
        pages.flatMap((page) => page.items),
        appended,
      );
      assert.equal(pages.at(-1)?.continuationToken, undefined);
    });

    it('rejects a page size outside 1–100', async () => {
      const { log } = await anAuditLog();

      await assert.rejects(log.query(everything, { limit: 0 }), ValidationError);
      await assert.rejects(log.query(everything, { limit: 101 }), ValidationError);
    });

    it('rejects a forged or malformed continuation token as invalid input', async () => {
      const { log } = await anAuditLog();
      const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const forged = [
        'not base64url!',
        Buffer.from('not json').toString('base64url'),
        token(['2026-01', 1]),
        token({ chain: '2026-13', after: 0 }),
        token({ chain: '1999-12', after: 0 }),
        token({ chain: '2026-01', after: -1 }),
        token({ chain: '2026-01', after: 1.5 }),
        token({ chain: '2026-01', after: 0, extra: true }),
        token({ chain: { $gt: '' }, after: 0 }),
      ];

      for (const continuationToken of forged) {
        await assert.rejects(
          log.query(everything, { limit: 5, continuationToken }),
          isInvalidToken,
        );
      }
    });
  });
});
