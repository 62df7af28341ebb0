/** A stored document together with the version it was read at. */
export interface Versioned<T> {
  readonly value: T;
  /** Opaque version tag (the Cosmos DB `_etag`); a write with a stale tag is refused. */
  readonly etag: string;
}

/** One page of a listing, and where to go on from. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque token for the next page; absent on the last page. */
  readonly continuationToken?: string;
}

/** How much of a listing to return. */
export interface PageRequest {
  /** At most this many items (1–100). */
  readonly limit: number;
  readonly continuationToken?: string;
}

/** A parameterised query: the text never contains caller data, only `@name` parameters. */
export interface DocumentQuery {
  readonly text: string;
  readonly parameters?: readonly { readonly name: string; readonly value: unknown }[];
}

/**
 * A listing in a fixed order across all partitions, paged by position (keyset): each page is a
 * fresh query that starts after the last item of the previous one.
 */
export interface OrderedDocumentQuery {
  /** A condition on `c` using only `@name` parameters, e.g. `c.requesterId = @requesterId`. */
  readonly where?: string;
  readonly parameters?: DocumentQuery['parameters'];
  /** Top-level property to sort on; ties are broken by `id`. */
  readonly orderBy: string;
  readonly direction: 'ascending' | 'descending';
}

/**
 * Documents with optimistic concurrency: every write is conditional on the version last read,
 * so that two writers racing on one document never both win.
 */
export interface DocumentStore<T extends { readonly id: string }> {
  /** Creates the document; returns undefined if one with the same id already exists. */
  tryCreate(document: T): Promise<Versioned<T> | undefined>;
  /** Reads one document by id, or undefined if there is none. */
  get(id: string): Promise<Versioned<T> | undefined>;
  /** Replaces the document if it is still at `etag`; returns undefined if it changed meanwhile. */
  tryReplace(document: T, etag: string): Promise<Versioned<T> | undefined>;
  /** Deletes the document if it is still at `etag`; returns false if it changed or is gone. */
  tryDelete(id: string, etag: string): Promise<boolean>;
  /** Runs a parameterised query and returns one page of results. */
  query(query: DocumentQuery, page: PageRequest): Promise<Page<T>>;
  /** Runs a parameterised query in a fixed order and returns one page of results. */
  queryOrdered(query: OrderedDocumentQuery, page: PageRequest): Promise<Page<T>>;
}
