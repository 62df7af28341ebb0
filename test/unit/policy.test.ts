import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../shared/domain/errors.js';
import type { AccessPolicy } from '../../shared/domain/policy.js';
import { evaluatePolicy, parseAccessPolicy } from '../../shared/domain/policy.js';
import { parseResourceId } from '../../shared/domain/resourceId.js';

const subscription = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const group = '1a2b3c4d-0001-4000-8000-00000000a001';

function aRule(changes: Record<string, unknown> = {}) {
  return {
    id: 'workloads',
    match: { subscriptionId: subscription, resourceGroup: 'rg-workloads', namePattern: 'vm-*' },
    bastionHostId: `/subscriptions/${subscription}/resourceGroups/rg-hub/providers/Microsoft.Network/bastionHosts/bas`,
    requesterGroupIds: [group],
    approverGroupIds: [group],
    approvalsRequired: 1,
    maxDuration: 'PT8H',
    ...changes,
  };
}

function aPolicy(...rules: Record<string, unknown>[]): AccessPolicy {
  return parseAccessPolicy({ version: 1, rules: rules.length > 0 ? rules : [aRule()] });
}

function vm(name: string, resourceGroup = 'rg-workloads', sub = subscription) {
  return parseResourceId(
    `/subscriptions/${sub}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`,
    'virtualMachine',
  );
}

describe('policy', () => {
  describe('parseAccessPolicy', () => {
    it('fills in the defaults', () => {
      const [rule] = aPolicy().rules;
      assert.deepEqual(rule?.access, ['link']);
      assert.equal(rule?.decisionTimeout, 'PT1H');
    });

    it('names every offending field', () => {
      const error = (() => {
        try {
          parseAccessPolicy({
            version: 1,
            rules: [aRule({ maxDuration: 'P1M', approvalsRequired: 0, extra: true })],
          });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      assert.ok(error instanceof ValidationError);
      const fields = error.fields.map((problem) => problem.field);
      assert.ok(fields.includes('policy.rules.0.maxDuration'), fields.join());
      assert.ok(fields.includes('policy.rules.0.approvalsRequired'), fields.join());
      assert.ok(fields.includes('policy.rules.0'), fields.join());
    });

    it('refuses duplicate rule ids, a Bastion id that is not one, and tunnel access', () => {
      assert.throws(() => aPolicy(aRule(), aRule()), ValidationError);
      assert.throws(() => aPolicy(aRule({ bastionHostId: '/subscriptions/x' })), ValidationError);
      assert.throws(() => aPolicy(aRule({ access: ['tunnel'] })), ValidationError);
    });
  });

  describe('evaluatePolicy', () => {
    it('matches subscription, resource group and name pattern case-insensitively', () => {
      const evaluation = evaluatePolicy(aPolicy(), vm('VM-Linux-01', 'RG-WORKLOADS'));
      assert.equal(evaluation.outcome, 'matched');
    });

    it('denies what no rule covers', () => {
      const policy = aPolicy();
      assert.equal(evaluatePolicy(policy, vm('db-01')).outcome, 'unmatched');
      assert.equal(evaluatePolicy(policy, vm('vm-01', 'rg-other')).outcome, 'unmatched');
      const otherSubscription = '00000000-0000-4000-8000-000000000000';
      assert.equal(
        evaluatePolicy(policy, vm('vm-01', 'rg-workloads', otherSubscription)).outcome,
        'unmatched',
      );
    });

    it('treats only * and ? as wildcards', () => {
      const policy = aPolicy(
        aRule({
          match: {
            subscriptionId: subscription,
            resourceGroup: 'rg-workloads',
            namePattern: 'vm.a?',
          },
        }),
      );
      assert.equal(evaluatePolicy(policy, vm('vm.ab')).outcome, 'matched');
      assert.equal(evaluatePolicy(policy, vm('vmxab')).outcome, 'unmatched');
      assert.equal(evaluatePolicy(policy, vm('vm.abc')).outcome, 'unmatched');
    });

    it('takes the first rule that matches', () => {
      const policy = aPolicy(aRule({ id: 'first', approvalsRequired: 2 }), aRule({ id: 'second' }));
      const evaluation = evaluatePolicy(policy, vm('vm-01'));
      assert.equal(evaluation.outcome === 'matched' && evaluation.rule.id, 'first');
    });
  });
});
