import { z } from 'zod';
import { seedUser, users } from '../seed.js';
import type { EmulatorContext } from './context.js';
import { ControlError } from './control.js';
import type { EmulatorControl } from './control.js';
import { signUserToken } from './entraTokens.js';
import type { EmulatorRequest, EmulatorResponse, Handler } from './http.js';
import { empty, json, problem, tryParseJson } from './http.js';
import type { Route } from './router.js';
import { pathPattern } from './router.js';

const sessionBody = z.object({
  vmId: z.string().min(1).max(512),
  userName: z.string().min(1).max(256),
  protocol: z.enum(['SSH', 'RDP', 'ssh', 'rdp']),
  via: z.enum(['link', 'tunnel']),
});

const faultBody = z.object({
  method: z.string().max(10).optional(),
  pathContains: z.string().max(512).optional(),
  status: z.number().int().min(400).max(599),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  times: z.number().int().min(1).max(1000).default(1),
});

const lroBody = z.object({
  pollsBeforeDone: z.number().int().min(0).max(100).optional(),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
});

const groupBody = z.object({
  groupId: z.string().min(1).max(64),
  parentGroupIds: z.array(z.string().min(1).max(64)).max(100),
});

const tokenBody = z.object({ user: z.string().min(1).max(64) });

/** The `/_emulator` API: inspection and failure injection for a loopback dev tool. */
export function inspectionRoutes(context: EmulatorContext, control: EmulatorControl): Route[] {
  const route = (method: string, name: string, handler: Handler): Route => ({
    method,
    pattern: pathPattern(`/_emulator/${name}`),
    handler: (request: EmulatorRequest) => answer(handler, request),
  });
  return [
    route('GET', 'links', () => json(200, control.links())),
    route('GET', 'sessions', () => json(200, control.sessions())),
    route('POST', 'sessions', (request) =>
      json(201, control.openSession(parse(sessionBody, request))),
    ),
    route('GET', 'notifications', () => json(200, control.notifications())),
    route('GET', 'calls', () => json(200, control.calls())),
    route('POST', 'faults', (request) => {
      control.injectFault(parse(faultBody, request));
      return empty(204);
    }),
    route('POST', 'lro', (request) => json(200, control.setLro(parse(lroBody, request)))),
    route('POST', 'groups', (request) => {
      const { groupId, parentGroupIds } = parse(groupBody, request);
      control.nestGroup(groupId, parentGroupIds);
      return empty(204);
    }),
    route('POST', 'reset', () => {
      control.reset();
      return empty(204);
    }),
    route('POST', 'tokens', (request) => issueToken(context, parse(tokenBody, request).user)),
  ];
}

async function issueToken(context: EmulatorContext, alias: string): Promise<EmulatorResponse> {
  if (!users.some((user) => user.alias === alias)) {
    const aliases = users.map((user) => user.alias).join(', ');
    return problem(404, 'unknown-user', `No seeded user with that alias; try one of: ${aliases}.`);
  }
  const token = await signUserToken(context.signingKey, context.url(), seedUser(alias));
  return json(200, { access_token: token, token_type: 'Bearer' });
}

function parse<T>(schema: z.ZodType<T>, request: EmulatorRequest): T {
  const result = schema.safeParse(tryParseJson(request) ?? {});
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.') || 'body').join(', ');
    throw new ControlError(400, 'validation-failed', `Invalid request body: ${fields}.`);
  }
  return result.data;
}

async function answer(handler: Handler, request: EmulatorRequest): Promise<EmulatorResponse> {
  try {
    return await handler(request);
  } catch (caught) {
    if (caught instanceof ControlError) {
      return problem(caught.status, caught.code, caught.message);
    }
    throw caught;
  }
}
