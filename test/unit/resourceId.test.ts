import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ValidationError } from '../../shared/domain/errors.js';
import type { ResourceKind } from '../../shared/domain/resourceId.js';
import {
  formatResourceId,
  isSameResource,
  parseResourceId,
  resourceKey,
  tryParseResourceId,
} from '../../shared/domain/resourceId.js';

const subscriptionId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const resourceGroup = 'rg-Workloads';

/** An ARM id in canonical spelling; parts can be replaced to build hostile variants. */
function anId(
  providerAndType: string,
  name: string,
  parts: { subscription?: string; group?: string } = {},
): string {
  const { subscription = subscriptionId, group = resourceGroup } = parts;
  return `/subscriptions/${subscription}/resourceGroups/${group}/providers/${providerAndType}/${name}`;
}

/** A VM id with the given subscription or resource group. */
function aVmId(parts: { subscription?: string; group?: string }): string {
  return anId('Microsoft.Compute/virtualMachines', 'vm1', parts);
}

const vmId = anId('Microsoft.Compute/virtualMachines', 'vm-linux-01');
const vmPrefix = vmId.slice(0, -'vm-linux-01'.length);
const nicId = anId('Microsoft.Network/networkInterfaces', 'nic-vm-linux-01');
const nsgId = anId('Microsoft.Network/networkSecurityGroups', 'nsg-workloads');

const validIds: { kind: ResourceKind; id: string; name: string }[] = [
  { kind: 'virtualMachine', id: vmId, name: 'vm-linux-01' },
  { kind: 'networkInterface', id: nicId, name: 'nic-vm-linux-01' },
  { kind: 'bastionHost', id: anId('Microsoft.Network/bastionHosts', 'bas-hub'), name: 'bas-hub' },
  { kind: 'networkSecurityGroup', id: nsgId, name: 'nsg-workloads' },
];

/** Spells every keyword, the provider and the type of an id in upper case. */
function shouting(id: string): string {
  return id
    .replace('/subscriptions/', '/SUBSCRIPTIONS/')
    .replace('/resourceGroups/', '/RESOURCEGROUPS/')
    .replace(/\/providers\/([^/]+)\/([^/]+)\//, (_, provider: string, type: string) => {
      return `/PROVIDERS/${provider.toUpperCase()}/${type.toUpperCase()}/`;
    });
}

/** Asserts that parsing `raw` as `kind` fails with a ValidationError about `field`. */
function assertRejected(raw: unknown, kind: ResourceKind, field = 'body.vmId'): void {
  assert.throws(
    () => parseResourceId(raw as string, kind, field),
    (error) => {
      assert.ok(error instanceof ValidationError, 'expected a ValidationError');
      assert.equal(error.code, 'validation-failed');
      assert.equal(error.fields[0]?.field, field);
      assert.ok(error.fields[0]?.message, 'expected a message for the field');
      return true;
    },
  );
  assert.equal(tryParseResourceId(raw as string, kind), undefined);
}

describe('resourceId', () => {
  describe('parseResourceId', () => {
    for (const { kind, id, name } of validIds) {
      it(`parses a ${kind} id into its parts, with the subscription in lower case`, () => {
        const parsed = parseResourceId(
          id.replace(subscriptionId, subscriptionId.toUpperCase()),
          kind,
        );

        assert.deepEqual(parsed, { kind, subscriptionId, resourceGroup, name });
      });

      it(`formats a parsed ${kind} id back to its canonical spelling`, () => {
        assert.equal(formatResourceId(parseResourceId(id, kind)), id);
      });

      it(`formats a ${kind} id spelt in upper case with ARM's casing of keywords`, () => {
        const parsed = parseResourceId(shouting(id), kind);

        assert.equal(formatResourceId(parsed), id);
        assert.deepEqual(parseResourceId(formatResourceId(parsed), kind), parsed);
      });
    }

    const acceptedEdges: [why: string, raw: string][] = [
      ['a name of 80 characters', `${vmPrefix}${'a'.repeat(80)}`],
      ['a name of one character', `${vmPrefix}v`],
      ['a name ending in an underscore', `${vmPrefix}vm_`],
      ['a resource group of 90 characters', aVmId({ group: 'g'.repeat(90) })],
      [
        'a resource group with periods, parentheses and underscores',
        aVmId({ group: 'rg.(prod)_1' }),
      ],
    ];

    for (const [why, raw] of acceptedEdges) {
      it(`accepts ${why}`, () => {
        assert.equal(formatResourceId(parseResourceId(raw, 'virtualMachine')), raw);
      });
    }

    const wrongKinds: [why: string, raw: string, kind: ResourceKind][] = [
      ['a network interface id parsed as a VM', nicId, 'virtualMachine'],
      ['a VM id parsed as a Bastion host', vmId, 'bastionHost'],
      ['a VM id parsed as a network security group', vmId, 'networkSecurityGroup'],
      ['a security rule parsed as an NSG', `${nsgId}/securityRules/allow`, 'networkSecurityGroup'],
    ];

    for (const [why, raw, kind] of wrongKinds) {
      it(`rejects ${why}`, () => {
        assertRejected(raw, kind);
      });
    }

    const hostileVmIds: [why: string, raw: unknown][] = [
      ['a wrong provider', vmId.replace('Microsoft.Compute', 'Microsoft.ClassicCompute')],
      ['a child resource', `${vmId}/extensions/x`],
      ['a .. segment that climbs back to the VM', `${vmId}/extensions/..`],
      ['a .. segment as the name', `${vmPrefix}..`],
      ['a .. segment in the resource group', aVmId({ group: `other/../${resourceGroup}` })],
      ['a . segment', vmId.replace('/resourceGroups/', '/./resourceGroups/')],
      ['a . segment as the name', `${vmPrefix}.`],
      ['an encoded slash', `${vmId}%2Fextensions%2Fx`],
      ['an encoded .. segment', `${vmPrefix}%2e%2e`],
      ['an upper-case encoded .. segment', `${vmId}/%2E%2E`],
      ['a double-encoded slash', `${vmId}%252F..`],
      ['a doubled separator', vmId.replace('/resourceGroups/', '//resourceGroups/')],
      ['a doubled leading separator', `/${vmId}`],
      ['an empty resource group', aVmId({ group: '' })],
      ['a trailing slash', `${vmId}/`],
      ['backslash separators', vmId.replaceAll('/', '\\')],
      ['a backslash in the name', `${vmId}\\extensions`],
      ['a query string', `${vmId}?api-version=2025-04-01`],
      ['a fragment', `${vmId}#fragment`],
      ['leading white space', ` ${vmId}`],
      ['trailing white space', `${vmId} `],
      ['a trailing newline', `${vmId}\n`],
      ['a carriage return and line feed inside', vmId.replace('/providers', '\r\n/providers')],
      ['a tab in the name', `${vmPrefix}vm\t1`],
      ['a NUL character', `${vmId}\u0000`],
      ['a DEL character', `${vmId}\u007f`],
      ['a no-break space', `${vmId}\u00a0`],
      ['a zero-width space', `${vmPrefix}vm\u200b1`],
      ['a right-to-left override', `${vmPrefix}vm\u202e1`],
      ['a Cyrillic a in the type', vmId.replace('virtualMachines', 'virtu\u0430lMachines')],
      ['a Cyrillic M in the provider', vmId.replace('Microsoft', '\u041cicrosoft')],
      ['a Cyrillic o in the name', `${vmPrefix}vm-linux-\u043e1`],
      ['a Kelvin sign, which lower-cases to k', `${vmPrefix}vm-\u212a`],
      ['a long s, which upper-cases to S', vmId.replace('subscriptions', '\u017fubscriptions')],
      ['a full-width solidus', vmId.replace('/providers', '\uff0fproviders')],
      ['a subscription that is not a GUID', aVmId({ subscription: 'not-a-guid' })],
      ['a GUID without hyphens', aVmId({ subscription: subscriptionId.replaceAll('-', '') })],
      ['a GUID in braces', aVmId({ subscription: `{${subscriptionId}}` })],
      ['a GUID one digit short', aVmId({ subscription: subscriptionId.slice(1) })],
      ['a GUID with a non-hex digit', aVmId({ subscription: `g${subscriptionId.slice(1)}` })],
      ['a missing resourceGroups segment', vmId.replace(`/resourceGroups/${resourceGroup}`, '')],
      ['a misspelt resourceGroups segment', vmId.replace('/resourceGroups/', '/resourceGroup/')],
      ['a resource group ending in a period', aVmId({ group: 'rg-workloads.' })],
      ['a resource group of 91 characters', aVmId({ group: 'g'.repeat(91) })],
      ['a resource group with a forbidden character', aVmId({ group: 'rg$1' })],
      ['a name of 81 characters', `${vmPrefix}${'a'.repeat(81)}`],
      ['a name ending in a period', `${vmPrefix}vm1.`],
      ['a name ending in a hyphen', `${vmPrefix}vm1-`],
      ['a name starting with a hyphen', `${vmPrefix}-vm1`],
      ['a missing name', vmPrefix.slice(0, -1)],
      ['a missing providers segment', vmId.replace('/providers', '')],
      ['a misspelt providers segment', vmId.replace('/providers/', '/provider/')],
      ['another misspelt providers segment', vmId.replace('/providers/', '/provders/')],
      ['no leading slash', vmId.slice(1)],
      ['a full URL', `https://management.azure.com${vmId}`],
      ['the empty string', ''],
      ['10 kB of text', `${vmPrefix}${'a'.repeat(10_240)}`],
      ['a number', 42],
      ['null', null],
      ['undefined', undefined],
      ['an object', { id: vmId }],
      ['an array holding a valid id', [vmId]],
      ['a String object holding a valid id', new String(vmId)],
    ];

    for (const [why, raw] of hostileVmIds) {
      it(`rejects a VM id with ${why}`, () => {
        assertRejected(raw, 'virtualMachine');
      });
    }

    it('names the field "resourceId" when no field is given', () => {
      assert.throws(
        () => parseResourceId(`${vmId}/`, 'virtualMachine'),
        (error) => error instanceof ValidationError && error.fields[0]?.field === 'resourceId',
      );
    });

    it('rejects every id when asked for a kind it does not know', () => {
      assertRejected(vmId, 'constructor' as ResourceKind);
    });
  });

  describe('tryParseResourceId', () => {
    it('returns the parsed id when the text is one', () => {
      assert.deepEqual(tryParseResourceId(nicId, 'networkInterface'), {
        kind: 'networkInterface',
        subscriptionId,
        resourceGroup,
        name: 'nic-vm-linux-01',
      });
    });
  });

  describe('isSameResource and resourceKey', () => {
    const sameVm: [why: string, raw: string][] = [
      [
        'resourceGroups and the type in lower case',
        vmId
          .replace('resourceGroups', 'resourcegroups')
          .replace('virtualMachines', 'virtualmachines'),
      ],
      ['every keyword, the provider and the type in upper case', shouting(vmId)],
      ['the provider in lower case', vmId.replace('Microsoft.Compute', 'microsoft.compute')],
      [
        'the subscription in upper case',
        vmId.replace(subscriptionId, subscriptionId.toUpperCase()),
      ],
      ['the resource group in another casing', vmId.replace(resourceGroup, 'RG-workloads')],
      ['the name in another casing', `${vmPrefix}VM-Linux-01`],
      ['everything in lower case', vmId.toLowerCase()],
      ['everything in upper case', vmId.toUpperCase()],
    ];

    for (const [why, raw] of sameVm) {
      it(`treats an id with ${why} as the same resource`, () => {
        const original = parseResourceId(vmId, 'virtualMachine');
        const variant = parseResourceId(raw, 'virtualMachine');

        assert.equal(isSameResource(original, variant), true);
        assert.equal(resourceKey(original), resourceKey(variant));
      });
    }

    const otherVm: [why: string, raw: string][] = [
      ['another name', `${vmPrefix}vm-linux-02`],
      ['another resource group', vmId.replace(resourceGroup, 'rg-other')],
      [
        'another subscription',
        vmId.replace(subscriptionId, '0b1f6471-1bf0-4dda-aec3-cb9272f09590'),
      ],
    ];

    for (const [why, raw] of otherVm) {
      it(`tells apart an id with ${why}`, () => {
        const original = parseResourceId(vmId, 'virtualMachine');
        const other = parseResourceId(raw, 'virtualMachine');

        assert.equal(isSameResource(original, other), false);
        assert.notEqual(resourceKey(original), resourceKey(other));
      });
    }

    it('tells apart resources of different kinds with the same name', () => {
      const vm = parseResourceId(`${vmPrefix}shared-name`, 'virtualMachine');
      const nic = parseResourceId(
        anId('Microsoft.Network/networkInterfaces', 'shared-name'),
        'networkInterface',
      );

      assert.equal(isSameResource(vm, nic), false);
      assert.notEqual(resourceKey(vm), resourceKey(nic));
    });

    it('gives a key in lower case', () => {
      const key = resourceKey(parseResourceId(shouting(vmId), 'virtualMachine'));

      assert.equal(key, vmId.toLowerCase());
    });
  });
});
