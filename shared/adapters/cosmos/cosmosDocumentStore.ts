import type { Container, FeedOptions, JSONValue, SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import { UpstreamError, ValidationError } from '../../domain/errors.js';
import { isCosmosStatus, toCosmosUpstreamError, withoutSystemProperties } from './cosmosFailure.js';
import { decodePageToken, encodePageToken, invalidToken, verifyPageLimit } from './pageToken.js';
import type {
  DocumentQuery,
  DocumentStore,
  OrderedDocumentQuery,
  Page,
  PageRequest,
  Versioned,
} from '../../services/ports/documentStore.js';

/** Parameter names the keyset condition uses; a caller's query must not use them. */
const keysetParameters = ['@pageAfterValue', '@pageAfterId'];

/** Documents in one Cosmos DB container whose partition key path is `/id`. */
export class CosmosDocumentStore<T extends { readonly id: string }> implements DocumentStore<T> {
  constructor(private readonly container: Container) {}

  async tryCreate(document: T): Promise<Versioned<T> | undefined> {
    verifyId(document.id);
    try {
      const { resource } = await this.container.items.create(document);
      return toVersioned<T>(resource);
    } catch (caught) {
      if (isCosmosStatus(caught, 409)) {
        return undefined;
      }
      throw toCosmosUpstreamError(caught, 'create a document');
    }
  }

  async get(id: string): Promise<Versioned<T> | undefined> {
    if (!isPlausibleId(id)) {
      return undefined;
    }
    try {
      const { resource, statusCode } = await this.container.item(id, id).read();
      return statusCode === 404 || !resource ? undefined : toVersioned<T>(resource);
    } catch (caught) {
      if (isCosmosStatus(caught, 404)) {
        return undefined;
      }
      throw toCosmosUpstreamError(caught, 'read a document');
    }
  }

  async tryReplace(document: T, etag: string): Promise<Versioned<T> | undefined> {
    verifyId(document.id);
    try {
      const { resource } = await this.container
        .item(document.id, document.id)
        .replace(document, { accessCondition: { type: 'IfMatch', condition: etag } });
      return toVersioned<T>(resource);
    } catch (caught) {
      if (isCosmosStatus(caught, 412) || isCosmosStatus(caught, 404)) {
        return undefined;
      }
      throw toCosmosUpstreamError(caught, 'replace a document');
    }
  }

  async tryDelete(id: string, etag: string): Promise<boolean> {
    if (!isPlausibleId(id)) {
      return false;
    }
    try {
      await this.container
        .item(id, id)
        .delete({ accessCondition: { type: 'IfMatch', condition: etag } });
      return true;
    } catch (caught) {
      if (isCosmosStatus(caught, 412) || isCosmosStatus(caught, 404)) {
        return false;
      }
      throw toCosmosUpstreamError(caught, 'delete a document');
    }
  }

  /**
   * One page of a parameterised query, resumed from the Cosmos DB continuation token wrapped in
   * `page.continuationToken`. Fine for unordered listings; ordered ones use {@link queryOrdered}.
   */
  async query(query: DocumentQuery, page: PageRequest): Promise<Page<T>> {
    verifyPageLimit(page.limit);
    const options: FeedOptions = { maxItemCount: page.limit };
    if (page.continuationToken !== undefined) {
      options.continuationToken = readCursorToken(page.continuationToken);
    }

    try {
      const response = await this.container.items.query(toSpec(query), options).fetchNext();
      const items = response.resources.map((resource) => withoutSystemProperties<T>(resource));
      const next = response.continuationToken;
      return next ? { items, continuationToken: encodePageToken({ cursor: next }) } : { items };
    } catch (caught) {
      if (page.continuationToken !== undefined && isCosmosStatus(caught, 400)) {
        throw invalidToken('Cosmos DB did not accept it');
      }
      throw toCosmosUpstreamError(caught, 'run a query');
    }
  }

  /** One page of a listing in a fixed order, resumed after the last item of the previous page. */
  async queryOrdered(query: OrderedDocumentQuery, page: PageRequest): Promise<Page<T>> {
    verifyPageLimit(page.limit);
    const after =
      page.continuationToken === undefined ? undefined : readKeysetToken(page.continuationToken);
    const spec = toOrderedSpec(query, after);

    try {
      const iterator = this.container.items.query(spec, { maxItemCount: page.limit + 1 });
      const found: Record<string, unknown>[] = [];
      while (found.length <= page.limit && iterator.hasMoreResults()) {
        const { resources } = await iterator.fetchNext();
        found.push(...resources);
      }
      const items = found.slice(0, page.limit).map((item) => withoutSystemProperties<T>(item));
      const last = items.at(-1) as Record<string, unknown> | undefined;
      if (found.length <= page.limit || !last) {
        return { items };
      }
      return { items, continuationToken: encodePageToken({ v: last[query.orderBy], id: last.id }) };
    } catch (caught) {
      throw toCosmosUpstreamError(caught, 'run an ordered query');
    }
  }
}

interface KeysetPosition {
  readonly value: string | number;
  readonly id: string;
}

function toOrderedSpec(query: OrderedDocumentQuery, after?: KeysetPosition): SqlQuerySpec {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(query.orderBy)) {
    throw new TypeError(`Cannot order by "${query.orderBy}": not a plain property name.`);
  }
  if (query.parameters?.some((parameter) => keysetParameters.includes(parameter.name))) {
    throw new TypeError(`Query parameters must not use ${keysetParameters.join(' or ')}.`);
  }
  const field = `c.${query.orderBy}`;
  const comparison = query.direction === 'descending' ? '<' : '>';
  const order = query.direction === 'descending' ? 'DESC' : 'ASC';

  const conditions = query.where ? [`(${query.where})`] : [];
  const parameters = toSpec({ text: '', parameters: query.parameters }).parameters ?? [];
  if (after) {
    conditions.push(
      `(${field} ${comparison} @pageAfterValue OR ` +
        `(${field} = @pageAfterValue AND c.id ${comparison} @pageAfterId))`,
    );
    parameters.push({ name: '@pageAfterValue', value: after.value });
    parameters.push({ name: '@pageAfterId', value: after.id });
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  return {
    query: `SELECT * FROM c${where} ORDER BY ${field} ${order}, c.id ${order}`,
    parameters,
  };
}

function toSpec(query: DocumentQuery): SqlQuerySpec {
  const parameters: SqlParameter[] = (query.parameters ?? []).map(({ name, value }) => ({
    name,
    value: value as JSONValue,
  }));
  return { query: query.text, parameters };
}

function readCursorToken(token: string): string {
  const decoded = decodePageToken(token);
  if (!isRecord(decoded) || Object.keys(decoded).length !== 1) {
    throw invalidToken('it is not one this store issued');
  }
  const { cursor } = decoded;
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 8192) {
    throw invalidToken('it is not one this store issued');
  }
  return cursor;
}

function readKeysetToken(token: string): KeysetPosition {
  const decoded = decodePageToken(token);
  if (!isRecord(decoded) || Object.keys(decoded).length !== 2) {
    throw invalidToken('it is not one this store issued');
  }
  const { v: value, id } = decoded;
  const isValue =
    (typeof value === 'string' && value.length <= 1024) ||
    (typeof value === 'number' && Number.isFinite(value));
  if (!isValue || typeof id !== 'string' || !isPlausibleId(id)) {
    throw invalidToken('it is not one this store issued');
  }
  return { value, id };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cosmos DB ids are at most 255 characters and cannot contain `/`, `\`, `?` or `#`. */
function isPlausibleId(id: string): boolean {
  return typeof id === 'string' && id.length > 0 && id.length <= 255 && !/[/\\?#]/.test(id);
}

function verifyId(id: string): void {
  if (!isPlausibleId(id)) {
    throw new ValidationError('A document id must be 1–255 characters without / \\ ? or #.', [
      { field: 'id', message: 'not a valid Cosmos DB id' },
    ]);
  }
}

function toVersioned<T>(resource: unknown): Versioned<T> {
  const stored = resource as Record<string, unknown> | undefined;
  if (!stored || typeof stored._etag !== 'string') {
    throw new UpstreamError('cosmos', 'Cosmos DB answered a write without the document version.');
  }
  return { value: withoutSystemProperties<T>(stored), etag: stored._etag };
}
