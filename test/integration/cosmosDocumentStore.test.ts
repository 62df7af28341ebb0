import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CosmosClient, ErrorResponse } from '@azure/cosmos';
import { ensureDevCertificates } from '../../dev/certificates.js';
import { startCosmosEmulator } from '../../dev/cosmos.js';
import type { CosmosEmulator } from '../../dev/cosmos.js';
import { openBrokerDatabase } from '../../shared/adapters/cosmos/cosmosDatabase.js';
import type { BrokerDatabase } from '../../shared/adapters/cosmos/cosmosDatabase.js';
import { CosmosDocumentStore } from '../../shared/adapters/cosmos/cosmosDocumentStore.js';
import { toCosmosUpstreamError } from '../../shared/adapters/cosmos/cosmosFailure.js';
import { UpstreamError, ValidationError } from '../../shared/domain/errors.js';
import type { DocumentStore, Page } from '../../shared/services/ports/documentStore.js';

interface Note {
  readonly id: string;
  readonly owner: string;
  readonly createdAt: string;
  readonly text: string;
}

function aNote(overrides: Partial<Note> = {}): Note {
  return {
    id: randomUUID(),
    owner: `owner-${randomUUID()}`,
    createdAt: '2026-03-01T10:00:00.000Z',
    text: 'first draft',
    ...overrides,
  };
}

/** Notes of one owner, created at minutes 0..count-1 of one hour. */
async function createNotes(store: DocumentStore<Note>, count: number): Promise<Note[]> {
  const owner = `owner-${randomUUID()}`;
  const notes = Array.from({ length: count }, (_, index) =>
    aNote({ owner, createdAt: `2026-03-01T10:${String(index).padStart(2, '0')}:00.000Z` }),
  );
  for (const note of notes) {
    await store.tryCreate(note);
  }
  return notes;
}

async function readAll<T>(next: (token?: string) => Promise<Page<T>>): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let token: string | undefined;
  do {
    const page = await next(token);
    pages.push(page);
    token = page.continuationToken;
  } while (token && pages.length < 20);
  return pages;
}

/** Orders strings by UTF-16 code units, as Cosmos DB does. */
function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const isInvalidToken = (error: unknown) =>
  error instanceof ValidationError && error.code === 'invalid-continuation-token';

describe('CosmosDocumentStore', () => {
  let emulator: CosmosEmulator;
  let database: BrokerDatabase;
  let store: CosmosDocumentStore<Note>;

  before(async () => {
    emulator = await startCosmosEmulator({ tls: await ensureDevCertificates() });
    database = await openBrokerDatabase({ endpoint: emulator.endpoint, key: emulator.key });
    store = new CosmosDocumentStore<Note>(database.requests);
  });

  after(async () => {
    database.close();
    await emulator.close();
  });

  describe('tryCreate', () => {
    it('stores the document and returns it with its version, without system properties', async () => {
      const note = aNote();

      const created = await store.tryCreate(note);

      assert.deepEqual(created?.value, note);
      assert.ok(created?.etag);
    });

    it('returns undefined when a document with the same id exists', async () => {
      const note = aNote();
      await store.tryCreate(note);

      const second = await store.tryCreate({ ...note, text: 'someone else' });

      assert.equal(second, undefined);
      assert.equal((await store.get(note.id))?.value.text, note.text);
    });
  });

  describe('get', () => {
    it('returns the document and the version it was read at', async () => {
      const created = await store.tryCreate(aNote());

      const read = await store.get(created?.value.id ?? '');

      assert.deepEqual(read, created);
    });

    it('returns undefined when there is no such document', async () => {
      assert.equal(await store.get(randomUUID()), undefined);
    });

    it('returns undefined for an id Cosmos DB could never hold', async () => {
      assert.equal(await store.get('../dbs/other'), undefined);
    });
  });

  describe('tryReplace', () => {
    it('replaces the document when it is still at the given version', async () => {
      const created = await store.tryCreate(aNote());
      assert.ok(created);

      const replaced = await store.tryReplace({ ...created.value, text: 'edited' }, created.etag);

      assert.equal(replaced?.value.text, 'edited');
      assert.notEqual(replaced?.etag, created.etag);
      assert.equal((await store.get(created.value.id))?.value.text, 'edited');
    });

    it('refuses a stale version and leaves the document as it was', async () => {
      const created = await store.tryCreate(aNote());
      assert.ok(created);
      await store.tryReplace({ ...created.value, text: 'first writer' }, created.etag);

      const stale = await store.tryReplace({ ...created.value, text: 'late writer' }, created.etag);

      assert.equal(stale, undefined);
      assert.equal((await store.get(created.value.id))?.value.text, 'first writer');
    });

    it('lets exactly one of several concurrent writers at the same version win', async () => {
      const created = await store.tryCreate(aNote());
      assert.ok(created);

      const attempts = await Promise.all(
        Array.from({ length: 10 }, (_, writer) =>
          store.tryReplace({ ...created.value, text: `writer ${writer}` }, created.etag),
        ),
      );

      const winners = attempts.filter((attempt) => attempt !== undefined);
      assert.equal(winners.length, 1);
      assert.deepEqual(await store.get(created.value.id), winners[0]);
    });
  });

  describe('tryDelete', () => {
    it('refuses a stale version and keeps the document', async () => {
      const created = await store.tryCreate(aNote());
      assert.ok(created);
      const replaced = await store.tryReplace({ ...created.value, text: 'edited' }, created.etag);

      assert.equal(await store.tryDelete(created.value.id, created.etag), false);
      assert.deepEqual(await store.get(created.value.id), replaced);
    });

    it('deletes the document at the current version, once', async () => {
      const created = await store.tryCreate(aNote());
      assert.ok(created);

      assert.equal(await store.tryDelete(created.value.id, created.etag), true);
      assert.equal(await store.get(created.value.id), undefined);
      assert.equal(await store.tryDelete(created.value.id, created.etag), false);
    });
  });

  describe('query', () => {
    it('pages through every match with continuation tokens', async () => {
      const notes = await createNotes(store, 7);
      const query = {
        text: 'SELECT * FROM c WHERE c.owner = @owner',
        parameters: [{ name: '@owner', value: notes[0]?.owner }],
      };

      const pages = await readAll((token) =>
        store.query(query, { limit: 3, continuationToken: token }),
      );

      assert.deepEqual(
        pages.map((page) => page.items.length),
        [3, 3, 1],
      );
      const ids = pages.flatMap((page) => page.items.map((item) => item.id));
      assert.deepEqual(ids.sort(), notes.map((note) => note.id).sort());
      assert.equal(pages.at(-1)?.continuationToken, undefined);
    });

    it('treats a parameter value as data, never as query text', async () => {
      await createNotes(store, 2);
      const query = {
        text: 'SELECT * FROM c WHERE c.owner = @owner',
        parameters: [{ name: '@owner', value: '" OR 1 = 1 OR c.owner = "' }],
      };

      const page = await store.query(query, { limit: 100 });

      assert.deepEqual(page.items, []);
    });

    it('rejects a page size outside 1–100', async () => {
      const query = { text: 'SELECT * FROM c' };

      await assert.rejects(store.query(query, { limit: 0 }), ValidationError);
      await assert.rejects(store.query(query, { limit: 101 }), ValidationError);
    });

    it('rejects a continuation token it did not issue', async () => {
      const query = { text: 'SELECT * FROM c' };

      await assert.rejects(
        store.query(query, { limit: 5, continuationToken: '%%' }),
        isInvalidToken,
      );
      const forged = Buffer.from('{"cursor":42}').toString('base64url');
      await assert.rejects(
        store.query(query, { limit: 5, continuationToken: forged }),
        isInvalidToken,
      );
    });
  });

  describe('queryOrdered', () => {
    it('lists newest first across pages, breaking ties on the time by id', async () => {
      const notes = await createNotes(store, 5);
      const { owner, createdAt: latest } = notes[4] as Note;
      const twins = [aNote({ owner, createdAt: latest }), aNote({ owner, createdAt: latest })];
      for (const twin of twins) {
        await store.tryCreate(twin);
      }
      const query = {
        where: 'c.owner = @owner',
        parameters: [{ name: '@owner', value: owner }],
        orderBy: 'createdAt',
        direction: 'descending' as const,
      };

      const pages = await readAll((token) =>
        store.queryOrdered(query, { limit: 2, continuationToken: token }),
      );

      const newestFirst = (a: Note, b: Note) =>
        compareOrdinal(b.createdAt, a.createdAt) || compareOrdinal(b.id, a.id);
      assert.deepEqual(
        pages.flatMap((page) => page.items),
        [...notes, ...twins].sort(newestFirst),
      );
      assert.deepEqual(
        pages.map((page) => page.items.length),
        [2, 2, 2, 1],
      );
    });

    it('rejects a forged continuation token', async () => {
      const query = { orderBy: 'createdAt', direction: 'ascending' as const };
      const forged = Buffer.from('{"v":{"$gt":""},"id":"x"}').toString('base64url');

      await assert.rejects(
        store.queryOrdered(query, { limit: 5, continuationToken: forged }),
        isInvalidToken,
      );
    });
  });

  describe('failures', () => {
    it('raises UpstreamError when Cosmos DB does not answer', async () => {
      const client = new CosmosClient({ endpoint: 'https://localhost:9/', key: emulator.key });
      const unreachable = new CosmosDocumentStore<Note>(client.database('x').container('y'));

      await assert.rejects(
        unreachable.get('any'),
        (error: unknown) => error instanceof UpstreamError && error.dependency === 'cosmos',
      );
      client.dispose();
    });

    it('keeps the retry delay of a throttled call but never the response body', () => {
      const throttled = Object.assign(new ErrorResponse('secret upstream body'), {
        code: 429,
        retryAfterInMs: 1_500,
        body: { code: 'TooManyRequests', message: 'secret upstream body' },
      });

      const error = toCosmosUpstreamError(throttled, 'read a document');

      assert.equal(error.retryAfterInMs, 1_500);
      assert.equal(error.upstreamStatus, 429);
      assert.equal(error.status, 503);
      assert.doesNotMatch(`${error.message} ${String(error.cause)}`, /secret/);
    });
  });
});
