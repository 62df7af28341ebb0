import type { DocumentQuery, DocumentStore } from './ports/documentStore.js';

/** Runs a query to the end (at most `max` results), page by page. */
export async function queryAll<T extends { readonly id: string }>(
  store: DocumentStore<T>,
  query: DocumentQuery,
  max = 1_000,
): Promise<T[]> {
  const results: T[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await store.query(query, { limit: 100, continuationToken });
    results.push(...page.items);
    continuationToken = page.continuationToken;
  } while (continuationToken && results.length < max);
  return results.slice(0, max);
}
