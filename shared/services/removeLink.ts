import { UpstreamError } from '../domain/errors.js';
import { fingerprintOf } from '../domain/linkLease.js';
import type { BastionHostId, VmResourceId } from '../domain/resourceId.js';
import { formatResourceId, isSameResource, tryParseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';
import { finishDeletion } from './linkLeases.js';

/**
 * Deletes a VM's shareable link, confirms it is gone, then disconnects the live Bastion sessions
 * on that VM (deleting a link leaves its sessions up), and finally drops the lease.
 */
export async function removeLink(
  context: BrokerContext,
  bastion: BastionHostId,
  vm: VmResourceId,
  requestId: string | undefined,
): Promise<void> {
  const link = await context.links.getLink(bastion, vm);
  if (link) {
    await context.links.deleteLink(bastion, vm, link.url);
    await context.audit.append({
      action: 'link.deleted',
      actorId: 'system',
      vmId: formatResourceId(vm),
      ...(requestId === undefined ? {} : { requestId }),
      message: `Deleted the shareable link of ${formatResourceId(vm)}; Azure confirmed it is gone.`,
      details: { linkFingerprint: fingerprintOf(link.url) },
    });
  }

  const sessions = await context.links.listSessions(bastion);
  const onVm = sessions.filter((session) => {
    const target = tryParseResourceId(session.targetResourceId, 'virtualMachine');
    return target !== undefined && isSameResource(target, vm);
  });
  if (onVm.length > 0) {
    const outcomes = await context.links.disconnectSessions(
      bastion,
      onVm.map((session) => session.sessionId),
    );
    await context.audit.append({
      action: 'sessions.disconnected',
      actorId: 'system',
      vmId: formatResourceId(vm),
      ...(requestId === undefined ? {} : { requestId }),
      message: `Disconnected ${onVm.length} live Bastion session(s) on ${formatResourceId(vm)}.`,
      details: {
        disconnected: outcomes.filter((outcome) => outcome.state === 'Disconnected').length,
        notFound: outcomes.filter((outcome) => outcome.state === 'NotFound').length,
        failed: outcomes.filter((outcome) => outcome.state === 'Failed').length,
      },
    });
    if (outcomes.some((outcome) => outcome.state === 'Failed')) {
      throw new UpstreamError('arm', 'Bastion could not disconnect every session on the VM.');
    }
  }

  await finishDeletion(context, vm);
}
