import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditHashInput } from '../../shared/domain/auditHash.js';
import {
  auditChainOf,
  canonicalJson,
  genesisAuditHash,
  hashAuditRecord,
  nextAuditChain,
} from '../../shared/domain/auditHash.js';

function aRecord(changes: Partial<AuditHashInput> = {}): AuditHashInput {
  return {
    id: '2026-12:0000000001',
    chain: '2026-12',
    sequence: 1,
    time: '2026-12-03T10:00:00.000Z',
    action: 'request.created',
    actorId: 'system',
    requestId: 'r-1',
    message: 'Request r-1 was created.',
    details: { access: 'link' },
    previousHash: genesisAuditHash,
    ...changes,
  };
}

describe('auditHash', () => {
  describe('canonicalJson', () => {
    it('writes the same text whatever order the keys were built in', () => {
      assert.equal(
        canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } }),
        '{"a":{"c":null,"d":[1,"x"]},"b":1}',
      );
      assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
    });

    it('leaves out members whose value is undefined', () => {
      assert.equal(canonicalJson({ a: undefined, b: true }), '{"b":true}');
    });

    it('refuses values JSON cannot spell', () => {
      assert.throws(() => canonicalJson(Number.NaN), TypeError);
      assert.throws(() => canonicalJson(new Date()), TypeError);
    });
  });

  describe('hashAuditRecord', () => {
    it('is a SHA-256 hex digest that any change of content alters', () => {
      const original = hashAuditRecord(aRecord());
      assert.match(original, /^[0-9a-f]{64}$/);
      for (const change of [
        { message: 'Request r-2 was created.' },
        { actorId: 'someone-else' },
        { sequence: 2 },
        { details: { access: 'tunnel' } },
        { previousHash: 'f'.repeat(64) },
      ]) {
        assert.notEqual(hashAuditRecord(aRecord(change)), original, JSON.stringify(change));
      }
    });

    it('ignores storage-only fields a store adds', () => {
      const stored = { ...aRecord(), vmKey: 'lower-case-key' } as AuditHashInput;
      assert.equal(hashAuditRecord(stored), hashAuditRecord(aRecord()));
    });
  });

  describe('chains', () => {
    it('names a chain by UTC month and rolls over the year', () => {
      assert.equal(auditChainOf(new Date('2026-12-31T23:59:59Z')), '2026-12');
      assert.equal(nextAuditChain('2026-12'), '2027-01');
    });
  });
});
