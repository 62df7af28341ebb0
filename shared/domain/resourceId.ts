import { ValidationError } from './errors.js';

/** The kinds of Azure resources the broker reasons about, with their provider and type. */
export const resourceKinds = {
  virtualMachine: { provider: 'Microsoft.Compute', type: 'virtualMachines' },
  networkInterface: { provider: 'Microsoft.Network', type: 'networkInterfaces' },
  bastionHost: { provider: 'Microsoft.Network', type: 'bastionHosts' },
  networkSecurityGroup: { provider: 'Microsoft.Network', type: 'networkSecurityGroups' },
} as const;

/** One of the resource kinds in {@link resourceKinds}. */
export type ResourceKind = keyof typeof resourceKinds;

/** A parsed ARM resource id: every part checked, nothing left as a raw string to compare. */
export interface ResourceId<K extends ResourceKind = ResourceKind> {
  readonly kind: K;
  /** Subscription GUID, lower case. */
  readonly subscriptionId: string;
  /** Resource group name as given (ARM compares it case-insensitively). */
  readonly resourceGroup: string;
  /** Resource name as given (ARM compares it case-insensitively). */
  readonly name: string;
}

/** A virtual machine's resource id. */
export type VmResourceId = ResourceId<'virtualMachine'>;

/** A Bastion host's resource id. */
export type BastionHostId = ResourceId<'bastionHost'>;

const maxIdLength = 512;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const resourceGroupName = /^[-\w.()]{1,90}$/;
const resourceName = /^[A-Za-z0-9][-\w.]{0,78}[\w]$|^[A-Za-z0-9]$/;

/** Parses an ARM id of the given kind; throws a ValidationError naming `field` if it is not one. */
export function parseResourceId<K extends ResourceKind>(
  raw: string,
  kind: K,
  field = 'resourceId',
): ResourceId<K> {
  const reason = findProblem(raw, kind);
  if (reason) {
    throw new ValidationError(`Not a valid ${kind} resource id: ${reason}.`, [
      { field, message: reason },
    ]);
  }
  const parts = raw.split('/');
  return {
    kind,
    subscriptionId: (parts[2] as string).toLowerCase(),
    resourceGroup: parts[4] as string,
    name: parts[8] as string,
  };
}

/** Parses an ARM id of the given kind, or returns undefined if it is not one. */
export function tryParseResourceId<K extends ResourceKind>(
  raw: string,
  kind: K,
): ResourceId<K> | undefined {
  return findProblem(raw, kind) ? undefined : parseResourceId(raw, kind);
}

/** The canonical ARM spelling of an id (keywords and provider in ARM's casing). */
export function formatResourceId(id: ResourceId): string {
  const { provider, type } = resourceKinds[id.kind];
  return (
    `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}` +
    `/providers/${provider}/${type}/${id.name}`
  );
}

/** A lower-case key that is equal for two ids exactly when ARM treats them as the same resource. */
export function resourceKey(id: ResourceId): string {
  return formatResourceId(id).toLowerCase();
}

/** Whether two ids name the same resource, compared as ARM does (case-insensitively). */
export function isSameResource(a: ResourceId, b: ResourceId): boolean {
  return a.kind === b.kind && resourceKey(a) === resourceKey(b);
}

function findProblem(raw: string, kind: ResourceKind): string | undefined {
  if (!Object.hasOwn(resourceKinds, kind)) {
    return 'the expected resource kind is unknown';
  }
  if (typeof raw !== 'string') {
    return 'it is not a string';
  }
  if (raw.length === 0) {
    return 'it is empty';
  }
  if (raw.length > maxIdLength) {
    return `it is longer than ${maxIdLength} characters`;
  }
  // Printable ASCII only: besides look-alikes, this keeps case folding below from turning a
  // non-ASCII letter (the Kelvin sign, say) into an ASCII one.
  if (/[^\x21-\x7e]/.test(raw)) {
    return 'it contains white space, control or non-ASCII characters';
  }
  if (/[%\\?#]/.test(raw)) {
    return 'it contains an encoded or reserved character';
  }
  if (raw.includes('//') || raw.endsWith('/')) {
    return 'it contains an empty segment';
  }
  if (raw.split('/').some((segment) => segment === '.' || segment === '..')) {
    return 'it contains a relative segment';
  }
  return findSegmentProblem(raw.split('/'), kind);
}

function findSegmentProblem(parts: string[], kind: ResourceKind): string | undefined {
  const { provider, type } = resourceKinds[kind];
  const [root, subscriptions, subscriptionId, groups, group, providers, namespace, kindType, name] =
    parts;

  if (root !== '' || !equalsIgnoringCase(subscriptions, 'subscriptions')) {
    return 'it must start with /subscriptions/';
  }
  if (!subscriptionId || !guid.test(subscriptionId)) {
    return 'the subscription is not a GUID';
  }
  if (!equalsIgnoringCase(groups, 'resourceGroups') || !group || !resourceGroupName.test(group)) {
    return 'the resource group is missing or malformed';
  }
  if (group.endsWith('.')) {
    return 'the resource group name ends with a period';
  }
  if (!equalsIgnoringCase(providers, 'providers')) {
    return 'the providers segment is missing';
  }
  if (!equalsIgnoringCase(namespace, provider) || !equalsIgnoringCase(kindType, type)) {
    return `it is not a ${provider}/${type} resource`;
  }
  if (!name || !resourceName.test(name)) {
    return 'the resource name is missing or malformed';
  }
  if (parts.length !== 9) {
    return 'it names a child resource or has extra segments';
  }
  return undefined;
}

function equalsIgnoringCase(actual: string | undefined, expected: string): boolean {
  return actual !== undefined && actual.toLowerCase() === expected.toLowerCase();
}
