import { createHash } from 'node:crypto';
import { armKeyOf } from './resourceIds.js';
import { estate, estateIds, estateResourceId } from '../seed.js';
import type { BastionSettings } from './state.js';

/** A seeded VM with the network facts the emulator reports about it. */
export interface EstateVm {
  readonly id: string;
  readonly name: string;
  readonly osType: string;
  readonly nicId: string;
  readonly nicName: string;
  readonly privateIpAddress: string;
}

const virtualNetworkId = estateResourceId('Microsoft.Network/virtualNetworks', 'vnet-workloads');

/** The seeded VMs, with made-up private addresses in the workload subnet. */
export const estateVms: readonly EstateVm[] = estate.virtualMachines.map((vm, index) => ({
  id: estateResourceId('Microsoft.Compute/virtualMachines', vm.name),
  name: vm.name,
  osType: vm.osType,
  nicId: estateResourceId('Microsoft.Network/networkInterfaces', vm.nicName),
  nicName: vm.nicName,
  privateIpAddress: `10.0.1.${4 + index}`,
}));

/** The GUID in the Bastion host's DNS name and in its links; stable for the seeded host. */
export const bastionDnsGuid = guidFrom(estateIds.bastion);

/** The seeded VM with this id (compared as ARM does), or undefined. */
export function findVm(vmId: string): EstateVm | undefined {
  const key = armKeyOf(vmId, 'virtualMachine');
  return key ? estateVms.find((vm) => armKeyOf(vm.id, 'virtualMachine') === key) : undefined;
}

/** The seeded VM whose NIC has this name (case-insensitively), or undefined. */
export function findVmByNicName(nicName: string): EstateVm | undefined {
  return estateVms.find((vm) => vm.nicName.toLowerCase() === nicName.toLowerCase());
}

/** Whether subscription, group and name designate the seeded Bastion host, as ARM compares. */
export function isSeededBastion(subscriptionId: string, group: string, name: string): boolean {
  return (
    subscriptionId.toLowerCase() === estate.subscriptionId &&
    group.toLowerCase() === estate.resourceGroup.toLowerCase() &&
    name.toLowerCase() === estate.bastion.name.toLowerCase()
  );
}

/** Whether the path's subscription and resource group are the seeded ones. */
export function isSeededGroup(subscriptionId: string, group: string): boolean {
  return (
    subscriptionId.toLowerCase() === estate.subscriptionId &&
    group.toLowerCase() === estate.resourceGroup.toLowerCase()
  );
}

/** The seeded Bastion host in the shape of BastionHosts_Get. */
export function bastionHostResource(settings: BastionSettings): Record<string, unknown> {
  const etag = `W/"${bastionDnsGuid}"`;
  return {
    name: estate.bastion.name,
    id: estateIds.bastion,
    type: 'Microsoft.Network/bastionHosts',
    etag,
    location: estate.location,
    tags: {},
    sku: { name: settings.sku },
    zones: [],
    properties: {
      provisioningState: 'Succeeded',
      dnsName: `bst-${bastionDnsGuid}.bastion.azure.com`,
      scaleUnits: 2,
      disableCopyPaste: false,
      enableTunneling: settings.enableTunneling,
      enableIpConnect: false,
      enableShareableLink: settings.enableShareableLink,
      enableKerberos: false,
      enableSessionRecording: false,
      enablePrivateOnlyBastion: false,
      ipConfigurations: [
        {
          name: 'bastionHostIpConfiguration',
          id: `${estateIds.bastion}/bastionHostIpConfigurations/bastionHostIpConfiguration`,
          etag,
          type: 'Microsoft.Network/bastionHosts/bastionHostIpConfigurations',
          properties: {
            provisioningState: 'Succeeded',
            privateIPAllocationMethod: 'Dynamic',
            subnet: { id: `${virtualNetworkId}/subnets/AzureBastionSubnet` },
            publicIPAddress: {
              id: estateResourceId('Microsoft.Network/publicIPAddresses', 'pip-bas-hub'),
            },
          },
        },
      ],
    },
  };
}

/** A seeded VM in a minimal VirtualMachines_Get shape. */
export function vmResource(vm: EstateVm): Record<string, unknown> {
  return {
    name: vm.name,
    id: vm.id,
    type: 'Microsoft.Compute/virtualMachines',
    location: estate.location,
    properties: {
      vmId: guidFrom(vm.id),
      provisioningState: 'Succeeded',
      storageProfile: { osDisk: { osType: vm.osType } },
      networkProfile: { networkInterfaces: [{ id: vm.nicId, properties: { primary: true } }] },
    },
  };
}

/** A seeded VM's NIC in a minimal NetworkInterfaces_Get shape. */
export function nicResource(vm: EstateVm): Record<string, unknown> {
  return {
    name: vm.nicName,
    id: vm.nicId,
    type: 'Microsoft.Network/networkInterfaces',
    location: estate.location,
    properties: {
      provisioningState: 'Succeeded',
      virtualMachine: { id: vm.id },
      ipConfigurations: [
        {
          name: 'ipconfig1',
          id: `${vm.nicId}/ipConfigurations/ipconfig1`,
          properties: {
            provisioningState: 'Succeeded',
            privateIPAddress: vm.privateIpAddress,
            privateIPAllocationMethod: 'Dynamic',
            subnet: { id: `${virtualNetworkId}/subnets/snet-workloads` },
            primary: true,
          },
        },
      ],
    },
  };
}

function guidFrom(text: string): string {
  const hex = createHash('sha256').update(text.toLowerCase()).digest('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
}
