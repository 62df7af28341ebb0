import { resourceNotFound } from './armErrors.js';
import { bastionHostPath, requireBastion } from './armRequests.js';
import type { EmulatorContext } from './context.js';
import {
  bastionHostResource,
  estateVms,
  findVmByNicName,
  isSeededGroup,
  nicResource,
  vmResource,
} from './estate.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { json } from './http.js';
import type { Route } from './router.js';
import { pathPattern } from './router.js';

const groupPath = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers';

/** Read-only routes for the seeded Bastion host, VMs and NICs. */
export function armResourceRoutes(context: EmulatorContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: pathPattern(bastionHostPath, 'i'),
      handler: (request) => {
        requireBastion(request);
        return json(200, bastionHostResource(context.state.bastion));
      },
    },
    {
      method: 'GET',
      pattern: pathPattern(`${groupPath}/Microsoft.Compute/virtualMachines/{name}`, 'i'),
      handler: getVm,
    },
    {
      method: 'GET',
      pattern: pathPattern(`${groupPath}/Microsoft.Network/networkInterfaces/{name}`, 'i'),
      handler: getNic,
    },
  ];
}

function getVm(request: EmulatorRequest): EmulatorResponse {
  const { subscriptionId = '', resourceGroupName = '', name = '' } = request.params;
  const vm = estateVms.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  if (!vm || !isSeededGroup(subscriptionId, resourceGroupName)) {
    return resourceNotFound('Microsoft.Compute/virtualMachines', name, resourceGroupName);
  }
  return json(200, vmResource(vm));
}

function getNic(request: EmulatorRequest): EmulatorResponse {
  const { subscriptionId = '', resourceGroupName = '', name = '' } = request.params;
  const vm = findVmByNicName(name);
  if (!vm || !isSeededGroup(subscriptionId, resourceGroupName)) {
    return resourceNotFound('Microsoft.Network/networkInterfaces', name, resourceGroupName);
  }
  return json(200, nicResource(vm));
}
