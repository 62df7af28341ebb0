import { tryParseResourceId } from '../../shared/domain/resourceId.js';
import { invalidRequest, resourceNotFound } from './armErrors.js';
import type { EstateVm } from './estate.js';
import { findVm, isSeededBastion } from './estate.js';
import type { EmulatorRequest } from './http.js';
import { EmulatorFailure, isObject, isStringArray, tryParseJson } from './http.js';
import type { EmulatorContext } from './context.js';

/** Path template of the seeded-or-not Bastion host every Bastion operation hangs under. */
export const bastionHostPath =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}' +
  '/providers/Microsoft.Network/bastionHosts/{bastionHostName}';

/** Fails with ARM's 404 unless the path names the seeded Bastion host. */
export function requireBastion(request: EmulatorRequest): void {
  const { subscriptionId = '', resourceGroupName = '', bastionHostName = '' } = request.params;
  if (!isSeededBastion(subscriptionId, resourceGroupName, bastionHostName)) {
    throw new EmulatorFailure(
      resourceNotFound('Microsoft.Network/bastionHosts', bastionHostName, resourceGroupName),
    );
  }
}

/** Fails unless the host's SKU and settings allow shareable links. */
export function requireShareableLinks(context: EmulatorContext): void {
  const { sku, enableShareableLink } = context.state.bastion;
  if (!['Standard', 'Premium'].includes(sku) || !enableShareableLink) {
    throw new EmulatorFailure(
      invalidRequest(
        'Shareable links need a Bastion host of the Standard or Premium SKU with ' +
          'enableShareableLink set.',
      ),
    );
  }
}

/** The VM ids of a `{vms:[{vm:{id}}]}` body; fails with ARM's 400 when it is malformed. */
export function readVmIds(request: EmulatorRequest, options: { allowEmpty: boolean }): string[] {
  const body = tryParseJson(request);
  const vms = isObject(body) ? (body.vms ?? []) : undefined;
  if (!Array.isArray(vms) || (!options.allowEmpty && vms.length === 0)) {
    throw new EmulatorFailure(invalidRequest('The request body must list the VMs in "vms".'));
  }
  return vms.map((entry: unknown) => {
    const id = isObject(entry) && isObject(entry.vm) ? entry.vm.id : undefined;
    if (typeof id !== 'string') {
      throw new EmulatorFailure(invalidRequest('Every entry of "vms" needs "vm.id".'));
    }
    return id;
  });
}

/** A string array property of the JSON body; fails with ARM's 400 when it is missing. */
export function readStringArray(request: EmulatorRequest, property: string): string[] {
  const body = tryParseJson(request);
  const value = isObject(body) ? body[property] : undefined;
  if (!isStringArray(value)) {
    throw new EmulatorFailure(invalidRequest(`The request body must carry "${property}".`));
  }
  return value;
}

/** The seeded VM with this id; fails with ARM's 400 or 404 when it is malformed or unknown. */
export function requireVm(vmId: string): EstateVm {
  const parsed = tryParseResourceId(vmId, 'virtualMachine');
  if (!parsed) {
    throw new EmulatorFailure(invalidRequest(`'${vmId}' is not a virtual machine resource id.`));
  }
  const vm = findVm(vmId);
  if (!vm) {
    throw new EmulatorFailure(
      resourceNotFound('Microsoft.Compute/virtualMachines', parsed.name, parsed.resourceGroup),
    );
  }
  return vm;
}

/** The api-version the call was made with (the dispatcher has checked it is there). */
export function apiVersionOf(request: EmulatorRequest): string {
  return request.url.searchParams.get('api-version') ?? '';
}
