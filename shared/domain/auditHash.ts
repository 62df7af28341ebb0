import { createHash } from 'node:crypto';
import type { AuditRecord } from './auditEvent.js';

/** The `previousHash` of the very first record of the very first chain: 64 zeros. */
export const genesisAuditHash = '0'.repeat(64);

/** What the hash of a record covers: everything but the hash itself. */
export type AuditHashInput = Omit<AuditRecord, 'hash'>;

/** The fields a record's hash covers, in the order they are listed for readers. */
const hashedFields = [
  'id',
  'chain',
  'sequence',
  'time',
  'action',
  'actorId',
  'vmId',
  'requestId',
  'message',
  'details',
  'previousHash',
] as const satisfies readonly (keyof AuditHashInput)[];

/**
 * SHA-256 (lower-case hex) over the canonical JSON of the record's content fields and its
 * `previousHash`. Only the fields of {@link hashedFields} count, so storage-only fields a store
 * adds (lookup keys, system properties) neither change the hash nor escape tampering checks of
 * the content. A verifier recomputes this for every record and compares it with `hash`, and
 * compares `previousHash` with the predecessor's `hash`.
 */
export function hashAuditRecord(record: AuditHashInput): string {
  const content: Record<string, unknown> = {};
  for (const field of hashedFields) {
    content[field] = record[field];
  }
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/**
 * A single, unambiguous JSON text for a value: object keys sorted by UTF-16 code units (as
 * `Array.prototype.sort` orders strings), members whose value is `undefined` left out, no white
 * space, strings and numbers written as `JSON.stringify` writes them. Equal content always gives
 * equal text, whatever order its keys were built in. Only plain JSON values are accepted.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new TypeError('Canonical JSON has no spelling for NaN or Infinity.');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`Canonical JSON accepts only plain JSON values, not ${typeof value}.`);
}

/** The chain (UTC month, `2026-12`) a record made at `time` belongs to. */
export function auditChainOf(time: Date): string {
  return time.toISOString().slice(0, 7);
}

/** Whether `value` is a well-formed chain name (`YYYY-MM`). */
export function isAuditChain(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

/** The chain of the month after `chain`. */
export function nextAuditChain(chain: string): string {
  const [year, month] = chain.split('-').map(Number) as [number, number];
  return auditChainOf(new Date(Date.UTC(year, month, 1)));
}
