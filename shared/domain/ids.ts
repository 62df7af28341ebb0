import { randomUUID } from 'node:crypto';

/** Identifies one access request. */
export type RequestId = string & { readonly __brand: 'RequestId' };

/** An Entra object id (user, group or service principal), lower case. */
export type PrincipalId = string & { readonly __brand: 'PrincipalId' };

/** Produces new unique ids; injectable so tests get predictable ones. */
export interface IdGenerator {
  /** A new id, unique for the life of the deployment. */
  newId(): string;
}

/** Random UUIDs from the platform's cryptographic generator. */
export const randomIdGenerator: IdGenerator = { newId: () => randomUUID() };

/** Ids `prefix-1`, `prefix-2`, ... for tests. */
export function sequentialIdGenerator(prefix = 'id'): IdGenerator {
  let next = 0;
  return { newId: () => `${prefix}-${++next}` };
}
