import { estate } from '../seed.js';
import { nextLinks, sessionsPollingUrl } from './armOperations.js';
import { bastionHostPath, readStringArray, requireBastion } from './armRequests.js';
import type { EmulatorContext } from './context.js';
import { findVm } from './estate.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { json } from './http.js';
import type { Route } from './router.js';
import { pathPattern } from './router.js';
import type { StoredSession } from './state.js';

/** Routes of the active-session operations of `bastionHost.json`. */
export function bastionSessionRoutes(context: EmulatorContext): Route[] {
  return [
    {
      method: 'POST',
      pattern: pathPattern(`${bastionHostPath}/getActiveSessions`, 'i'),
      handler: (request) => {
        requireBastion(request);
        return listSessions(context, request);
      },
    },
    {
      method: 'POST',
      pattern: pathPattern(`${bastionHostPath}/disconnectActiveSessions`, 'i'),
      handler: (request) => {
        requireBastion(request);
        return disconnectSessions(context, request);
      },
    },
  ];
}

/** A session in the shape of BastionActiveSession. */
export function toArmSession(session: StoredSession, now = new Date()): Record<string, unknown> {
  const vm = findVm(session.vmId);
  const startedAt = new Date(session.startTime).getTime();
  return {
    sessionId: session.sessionId,
    startTime: session.startTime,
    targetSubscriptionId: estate.subscriptionId,
    resourceType: 'VM',
    targetHostName: vm?.name ?? '',
    targetResourceGroup: estate.resourceGroup,
    userName: session.userName,
    targetIpAddress: vm?.privateIpAddress ?? '',
    protocol: session.protocol,
    targetResourceId: session.vmId,
    sessionDurationInMins: Math.max(0, (now.getTime() - startedAt) / 60_000),
  };
}

function listSessions(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const sessions = [...context.state.sessions.values()].map((session) => toArmSession(session));
  const firstPage = context.pages.firstPage(sessions, nextLinks(context, request));
  return context.operations.acceptWithLocation(
    sessionsPollingUrl(context, request),
    json(200, firstPage),
  );
}

function disconnectSessions(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const outcomes = readStringArray(request, 'sessionIds').map((sessionId) => {
    if (!context.state.sessions.delete(sessionId)) {
      return { sessionId, message: `session ${sessionId} not found!`, state: 'NotFound' };
    }
    return { sessionId, message: `session ${sessionId} invalidated!`, state: 'Disconnected' };
  });
  return json(200, context.pages.firstPage(outcomes, nextLinks(context, request)));
}
