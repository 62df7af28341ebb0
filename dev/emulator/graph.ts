import { randomUUID } from 'node:crypto';
import type { SeedUser } from '../seed.js';
import { users } from '../seed.js';
import type { EmulatorContext } from './context.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { EmulatorFailure, empty, isObject, isStringArray, json, tryParseJson } from './http.js';
import type { Route } from './router.js';
import { pathPattern } from './router.js';

const maxGroupIdsPerCall = 20;

/** Routes of the Microsoft Graph v1.0 calls the broker makes. */
export function graphRoutes(context: EmulatorContext): Route[] {
  const route = (
    method: string,
    template: string,
    handler: (request: EmulatorRequest, user: SeedUser) => EmulatorResponse,
  ): Route => ({
    method,
    pattern: pathPattern(`/v1.0/users/{userId}${template}`, 'i'),
    handler: (request) => handler(request, requireUser(request.params.userId ?? '')),
  });
  return [
    route('GET', '', (_request, user) =>
      json(200, { '@odata.context': metadataUrl(context, 'users/$entity'), ...toGraphUser(user) }),
    ),
    route('GET', '/manager', (_request, user) => getManager(context, user)),
    route('POST', '/checkMemberGroups', (request, user) =>
      checkMemberGroups(context, request, user),
    ),
    route('POST', '/teamwork/sendActivityNotification', (request, user) =>
      record(context, 'activity', request, user),
    ),
    route('POST', '/sendMail', (request, user) => record(context, 'mail', request, user)),
  ];
}

/** An error in Graph's `{"error":{"code","message","innerError"}}` shape. */
export function graphError(status: number, code: string, message: string): EmulatorResponse {
  const innerError = { date: new Date().toISOString(), 'request-id': randomUUID() };
  return json(status, { error: { code, message, innerError } });
}

/** The ids of every group the user is in, directly or through nested groups. */
export function transitiveGroupIds(context: EmulatorContext, user: SeedUser): Set<string> {
  const found = new Set<string>();
  const pending = [...user.groupIds];
  for (let groupId = pending.pop(); groupId !== undefined; groupId = pending.pop()) {
    if (!found.has(groupId)) {
      found.add(groupId);
      pending.push(...(context.state.nestedGroups.get(groupId) ?? []));
    }
  }
  return found;
}

function checkMemberGroups(
  context: EmulatorContext,
  request: EmulatorRequest,
  user: SeedUser,
): EmulatorResponse {
  const body = tryParseJson(request);
  const groupIds = isObject(body) ? body.groupIds : undefined;
  if (!isStringArray(groupIds) || groupIds.length === 0) {
    return graphError(400, 'Request_BadRequest', 'The request needs a non-empty "groupIds".');
  }
  if (groupIds.length > maxGroupIdsPerCall) {
    return graphError(
      400,
      'Request_BadRequest',
      `At most ${maxGroupIdsPerCall} group ids can be checked in one call.`,
    );
  }

  const memberOf = transitiveGroupIds(context, user);
  const matching = groupIds.filter((groupId) => memberOf.has(groupId.toLowerCase()));
  return json(200, {
    '@odata.context': metadataUrl(context, 'Collection(Edm.String)'),
    value: matching,
  });
}

function getManager(context: EmulatorContext, user: SeedUser): EmulatorResponse {
  const manager = users.find((candidate) => candidate.alias === user.managerAlias);
  if (!manager) {
    return graphError(
      404,
      'Request_ResourceNotFound',
      "Resource 'manager' does not exist or one of its queried reference-property objects " +
        'are not present.',
    );
  }
  return json(200, {
    '@odata.context': metadataUrl(context, 'directoryObjects/$entity'),
    '@odata.type': '#microsoft.graph.user',
    ...toGraphUser(manager),
  });
}

function record(
  context: EmulatorContext,
  kind: 'activity' | 'mail',
  request: EmulatorRequest,
  user: SeedUser,
): EmulatorResponse {
  const body = tryParseJson(request);
  const required = kind === 'activity' ? ['topic', 'activityType'] : ['message'];
  if (!isObject(body) || required.some((property) => body[property] === undefined)) {
    return graphError(400, 'BadRequest', `The request body needs ${required.join(' and ')}.`);
  }
  context.state.notifications.push({
    kind,
    userId: user.id,
    body,
    receivedAt: new Date().toISOString(),
  });
  return empty(kind === 'activity' ? 204 : 202);
}

function requireUser(idOrPrincipalName: string): SeedUser {
  const wanted = idOrPrincipalName.toLowerCase();
  const user = users.find(
    (candidate) => candidate.id === wanted || candidate.userPrincipalName.toLowerCase() === wanted,
  );
  if (!user) {
    throw new EmulatorFailure(
      graphError(
        404,
        'Request_ResourceNotFound',
        `Resource '${idOrPrincipalName}' does not exist or one of its queried ` +
          'reference-property objects are not present.',
      ),
    );
  }
  return user;
}

function metadataUrl(context: EmulatorContext, fragment: string): string {
  return `${context.url()}/v1.0/$metadata#${fragment}`;
}

function toGraphUser(user: SeedUser): Record<string, unknown> {
  const [givenName = user.displayName, ...rest] = user.displayName.split(' ');
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName,
    jobTitle: user.description,
    mail: user.userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: rest.join(' '),
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}
