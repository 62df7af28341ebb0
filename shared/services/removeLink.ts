import { UpstreamError } from '../domain/errors.js';
import type { LinkRemoval } from '../domain/linkLease.js';
import { fingerprintOf } from '../domain/linkLease.js';
import type { BastionHostId, VmResourceId } from '../domain/resourceId.js';
import { formatResourceId, isSameResource, tryParseResourceId } from '../domain/resourceId.js';
import type { BrokerContext } from './brokerContext.js';
import { finishRemoval, getLease, ownsRemoval } from './linkLeases.js';

/**
 * Carries out a removal of a VM's shareable link: deletes the link and confirms it gone,
 * disconnects the live Bastion sessions on the VM (deleting a link leaves them up, and Bastion
 * does not say which link a session came through), and, if other grants still hold the VM, has
 * Bastion make a new link for them. Before each change in Azure it checks that the removal is
 * still its own, so a worker that was taken over stops instead of undoing its successor's work.
 * Returns whether this call finished the removal. Safe to repeat until it succeeds.
 */
export async function removeLink(
  context: BrokerContext,
  bastion: BastionHostId,
  vm: VmResourceId,
  removal: LinkRemoval,
  requestId: string | undefined,
): Promise<boolean> {
  const vmId = formatResourceId(vm);
  const about = { vmId, ...(requestId === undefined ? {} : { requestId }) };

  const link = await context.links.getLink(bastion, vm);
  if (!(await ownsRemoval(context, vm, removal))) {
    return false;
  }
  if (link) {
    await context.links.deleteLink(bastion, vm, link.url);
    await context.audit.append({
      ...about,
      action: 'link.deleted',
      actorId: 'system',
      message: `Deleted the shareable link of ${vmId}; Azure confirmed it is gone.`,
      details: { linkFingerprint: fingerprintOf(link.url) },
    });
  }
  if (!(await ownsRemoval(context, vm, removal))) {
    return false;
  }
  await disconnectSessions(context, bastion, vm, about);

  const lease = await getLease(context, vm);
  if (lease?.removal?.id !== removal.id) {
    return false;
  }
  const remaining = lease.holders.length;
  const fingerprint =
    remaining > 0 ? fingerprintOf((await context.links.createLink(bastion, vm)).url) : undefined;
  const finished = await finishRemoval(context, vm, removal, fingerprint);
  if (finished && fingerprint) {
    await context.audit.append({
      ...about,
      action: 'link.rotated',
      actorId: 'system',
      message: `Made a new shareable link of ${vmId} for the ${remaining} grant(s) still using it.`,
      details: { linkFingerprint: fingerprint, holders: remaining },
    });
  }
  return finished;
}

async function disconnectSessions(
  context: BrokerContext,
  bastion: BastionHostId,
  vm: VmResourceId,
  about: { vmId: string; requestId?: string },
): Promise<void> {
  const sessions = await context.links.listSessions(bastion);
  const onVm = sessions.filter((session) => {
    const target = tryParseResourceId(session.targetResourceId, 'virtualMachine');
    return target !== undefined && isSameResource(target, vm);
  });
  if (onVm.length === 0) {
    return;
  }
  const outcomes = await context.links.disconnectSessions(
    bastion,
    onVm.map((session) => session.sessionId),
  );
  const count = (state: string) => outcomes.filter((outcome) => outcome.state === state).length;
  await context.audit.append({
    ...about,
    action: 'sessions.disconnected',
    actorId: 'system',
    message: `Disconnected ${onVm.length} live Bastion session(s) on ${about.vmId}.`,
    details: {
      disconnected: count('Disconnected'),
      notFound: count('NotFound'),
      failed: count('Failed'),
    },
  });
  if (count('Failed') > 0) {
    throw new UpstreamError('arm', 'Bastion could not disconnect every session on the VM.');
  }
}
