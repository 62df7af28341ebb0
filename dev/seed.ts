/** The directory and estate the embedded default starts with. Every id here is made up. */

/** The Entra tenant of the embedded default. */
export const tenantId = '5f0c3b9e-7a51-4c8d-9e2f-1a6b7c8d9e01';

/** The broker's API app registration: tokens for the API carry this audience. */
export const apiClientId = '3c9a1f7e-2b4d-4e6f-8a0b-c1d2e3f4a5b6';

/** The broker's own identity towards ARM and Graph (a client secret, for the emulator only). */
export const brokerIdentity = {
  clientId: '8e2d4c6a-1b3f-4a5c-9d7e-0f1a2b3c4d5e',
  clientSecret: 'local-emulator-secret-not-for-azure',
} as const;

/** Entra groups of the seeded directory. */
export const groups = {
  requesters: { id: '1a2b3c4d-0001-4000-8000-00000000a001', displayName: 'VM Requesters' },
  approvers: { id: '1a2b3c4d-0002-4000-8000-00000000a002', displayName: 'VM Approvers' },
} as const;

/** A seeded user: alias for `npm run token -- <alias>`. */
export interface SeedUser {
  readonly alias: string;
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName: string;
  readonly groupIds: readonly string[];
  readonly roles: readonly string[];
  readonly managerAlias?: string;
  readonly description: string;
}

/** The seeded users. */
export const users: readonly SeedUser[] = [
  {
    alias: 'alice',
    id: '0b1c2d3e-0001-4000-8000-0000000a11ce',
    displayName: 'Alice Requester',
    userPrincipalName: 'alice@contoso.example',
    groupIds: [groups.requesters.id],
    roles: [],
    managerAlias: 'carol',
    description: 'requester',
  },
  {
    alias: 'bob',
    id: '0b1c2d3e-0002-4000-8000-000000000b0b',
    displayName: 'Bob Requester',
    userPrincipalName: 'bob@contoso.example',
    groupIds: [groups.requesters.id],
    roles: [],
    managerAlias: 'dave',
    description: 'requester',
  },
  {
    alias: 'carol',
    id: '0b1c2d3e-0003-4000-8000-00000000ca01',
    displayName: 'Carol Approver',
    userPrincipalName: 'carol@contoso.example',
    groupIds: [groups.approvers.id],
    roles: [],
    description: 'approver',
  },
  {
    alias: 'dave',
    id: '0b1c2d3e-0004-4000-8000-00000000da7e',
    displayName: 'Dave Approver',
    userPrincipalName: 'dave@contoso.example',
    groupIds: [groups.approvers.id, groups.requesters.id],
    roles: [],
    description: 'approver (and requester: never approves his own requests)',
  },
  {
    alias: 'erin',
    id: '0b1c2d3e-0005-4000-8000-00000000e41e',
    displayName: 'Erin Auditor',
    userPrincipalName: 'erin@contoso.example',
    groupIds: [],
    roles: ['Audit.Read'],
    description: 'auditor (app role Audit.Read)',
  },
  {
    alias: 'mallory',
    id: '0b1c2d3e-0006-4000-8000-0000000ba11d',
    displayName: 'Mallory Nobody',
    userPrincipalName: 'mallory@contoso.example',
    groupIds: [],
    roles: [],
    description: 'no rights at all',
  },
];

/** The seeded Azure estate. */
export const estate = {
  subscriptionId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  resourceGroup: 'rg-workloads',
  location: 'westeurope',
  bastion: { name: 'bas-hub', sku: 'Standard', enableShareableLink: true, enableTunneling: true },
  networkSecurityGroup: { name: 'nsg-workloads' },
  virtualMachines: [
    { name: 'vm-linux-01', osType: 'Linux', nicName: 'nic-vm-linux-01' },
    { name: 'vm-windows-01', osType: 'Windows', nicName: 'nic-vm-windows-01' },
  ],
} as const;

/** The canonical ARM id of a resource in the seeded resource group. */
export function estateResourceId(providerAndType: string, name: string): string {
  return (
    `/subscriptions/${estate.subscriptionId}/resourceGroups/${estate.resourceGroup}` +
    `/providers/${providerAndType}/${name}`
  );
}

/** Ids of the seeded resources. */
export const estateIds = {
  bastion: estateResourceId('Microsoft.Network/bastionHosts', estate.bastion.name),
  networkSecurityGroup: estateResourceId(
    'Microsoft.Network/networkSecurityGroups',
    estate.networkSecurityGroup.name,
  ),
  linuxVm: estateResourceId('Microsoft.Compute/virtualMachines', 'vm-linux-01'),
  windowsVm: estateResourceId('Microsoft.Compute/virtualMachines', 'vm-windows-01'),
} as const;

/** The seeded user with this alias; throws if there is none. */
export function seedUser(alias: string): SeedUser {
  const user = users.find((candidate) => candidate.alias === alias);
  if (!user) {
    throw new Error(
      `No seeded user "${alias}"; try one of: ${users.map((u) => u.alias).join(', ')}`,
    );
  }
  return user;
}
