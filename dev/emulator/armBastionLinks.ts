import { randomUUID } from 'node:crypto';
import { armError } from './armErrors.js';
import { locationPollingUrl, nextLinks } from './armOperations.js';
import {
  bastionHostPath,
  readStringArray,
  readVmIds,
  requireBastion,
  requireShareableLinks,
  requireVm,
} from './armRequests.js';
import type { EmulatorContext } from './context.js';
import { bastionDnsGuid } from './estate.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { EmulatorFailure, empty, json } from './http.js';
import type { Route } from './router.js';
import { pathPattern } from './router.js';
import type { StoredLink } from './state.js';
import { armKeyOf } from './resourceIds.js';

/** Routes of the shareable-link operations of `bastionHost.json`. */
export function bastionLinkRoutes(context: EmulatorContext): Route[] {
  const route = (operation: string, handler: (request: EmulatorRequest) => EmulatorResponse) => ({
    method: 'POST',
    pattern: pathPattern(`${bastionHostPath}/${operation}`, 'i'),
    handler: (request: EmulatorRequest) => {
      requireBastion(request);
      requireShareableLinks(context);
      return handler(request);
    },
  });
  return [
    route('createShareableLinks', (request) => createLinks(context, request)),
    route('getShareableLinks', (request) => getLinks(context, request)),
    route('deleteShareableLinks', (request) => deleteLinksByVm(context, request)),
    route('deleteShareableLinksByToken', (request) => deleteLinksByToken(context, request)),
  ];
}

/** The key under which a VM's link is kept: one link per VM, ids compared as ARM does. */
export function linkKey(vmId: string): string {
  return armKeyOf(vmId, 'virtualMachine') ?? vmId.toLowerCase();
}

function createLinks(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const vms = readVmIds(request, { allowEmpty: false }).map(requireVm);
  const missing = new Set(vms.filter((vm) => !context.state.links.has(linkKey(vm.id))));
  if (context.state.links.size + missing.size > context.maxLinksPerBastion) {
    throw new EmulatorFailure(
      armError(
        400,
        'BastionShareableLinkLimitReached',
        `A Bastion host keeps at most ${context.maxLinksPerBastion} shareable links.`,
      ),
    );
  }

  for (const vm of missing) {
    context.state.links.set(linkKey(vm.id), newLink(vm.id));
  }

  const created = vms.map((vm) => toArmLink(context.state.links.get(linkKey(vm.id)) as StoredLink));
  const firstPage = context.pages.firstPage(created, nextLinks(context, request));
  return context.operations.acceptWithLocation(
    locationPollingUrl(context, request),
    json(200, firstPage),
  );
}

function getLinks(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const vmIds = readVmIds(request, { allowEmpty: true });
  const all = [...context.state.links.values()];
  const wanted =
    vmIds.length === 0
      ? all
      : vmIds.flatMap((vmId) => context.state.links.get(linkKey(vmId)) ?? []);
  return json(200, context.pages.firstPage(wanted.map(toArmLink), nextLinks(context, request)));
}

function deleteLinksByVm(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  for (const vmId of readVmIds(request, { allowEmpty: false })) {
    context.state.links.delete(linkKey(vmId));
  }
  return context.operations.acceptWithLocation(locationPollingUrl(context, request), empty(200));
}

function deleteLinksByToken(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const tokens = new Set(readStringArray(request, 'tokens'));
  for (const [key, link] of context.state.links) {
    if (tokens.has(link.token)) {
      context.state.links.delete(key);
    }
  }
  return context.operations.acceptWithLocation(locationPollingUrl(context, request), empty(200));
}

function newLink(vmId: string): StoredLink {
  const token = randomUUID();
  return {
    vmId,
    token,
    url: `https://bst-${bastionDnsGuid}.bastion.azure.com/api/shareable-url/${token}`,
    createdAt: new Date().toISOString(),
  };
}

function toArmLink(link: StoredLink): Record<string, unknown> {
  return { vm: { id: link.vmId }, bsl: link.url, createdAt: link.createdAt };
}
