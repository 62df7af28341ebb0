import type {
  BastionActiveSession,
  BastionShareableLink,
  BastionShareableLinkListRequest,
} from '@azure/arm-network';
import type { VmResourceId } from '../../domain/resourceId.js';
import { formatResourceId, isSameResource, tryParseResourceId } from '../../domain/resourceId.js';
import type {
  BastionSession,
  SessionDisconnectOutcome,
  ShareableLink,
} from '../../services/ports/linkGateway.js';

const sessionStates = new Set(['Disconnected', 'Failed', 'NotFound']);

/** The `{vms:[{vm:{id}}]}` body naming one VM. */
export function vmList(vm: VmResourceId): BastionShareableLinkListRequest {
  return { vms: [{ vm: { id: formatResourceId(vm) } }] };
}

/** The link of `vm` among ARM's answer, if it has a usable one. */
export function findLinkOf(
  links: readonly BastionShareableLink[],
  vm: VmResourceId,
): ShareableLink | undefined {
  return links
    .map(toShareableLink)
    .find((link): link is ShareableLink => link !== undefined && isSameVm(link.vmId, vm));
}

/** A link as the port knows it; undefined when ARM reports no URL or a failure for it. */
export function toShareableLink(link: BastionShareableLink): ShareableLink | undefined {
  const vm = tryParseResourceId(link.vm.id ?? '', 'virtualMachine');
  if (!vm || !link.bsl || link.message) {
    return undefined;
  }
  return { vmId: formatResourceId(vm), url: link.bsl };
}

function isSameVm(vmId: string, vm: VmResourceId): boolean {
  const parsed = tryParseResourceId(vmId, 'virtualMachine');
  return parsed !== undefined && isSameResource(parsed, vm);
}

/** A session as the port knows it; undefined when it is not on a VM. */
export function toBastionSession(session: BastionActiveSession): BastionSession | undefined {
  const target = tryParseResourceId(session.targetResourceId ?? '', 'virtualMachine');
  if (!session.sessionId || !target) {
    return undefined;
  }
  const startTime = session.startTime as unknown;
  return {
    sessionId: session.sessionId,
    targetResourceId: formatResourceId(target),
    ...(session.userName ? { userName: session.userName } : {}),
    ...(session.protocol ? { protocol: session.protocol } : {}),
    ...(typeof startTime === 'string' ? { startTime } : {}),
  };
}

/** ARM's session state, with anything unexpected counted as a failure. */
export function toSessionState(state: string | undefined): SessionDisconnectOutcome['state'] {
  return state && sessionStates.has(state)
    ? (state as SessionDisconnectOutcome['state'])
    : 'Failed';
}
