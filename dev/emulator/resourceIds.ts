import type { ResourceKind } from '../../shared/domain/resourceId.js';
import { resourceKey, tryParseResourceId } from '../../shared/domain/resourceId.js';

/** The ARM comparison key of an id of the given kind, or undefined if it is not one. */
export function armKeyOf(raw: unknown, kind: ResourceKind): string | undefined {
  if (typeof raw !== 'string') {
    return undefined;
  }
  const parsed = tryParseResourceId(raw, kind);
  return parsed ? resourceKey(parsed) : undefined;
}
