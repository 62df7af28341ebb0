import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger } from '../../shared/logger.js';
import { armError } from './armErrors.js';
import type { EmulatorContext } from './context.js';
import type { ResourceSurface } from './entraTokens.js';
import { isValidBearer } from './entraTokens.js';
import { graphError } from './graph.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { EmulatorFailure, problem, readBody } from './http.js';
import type { Route } from './router.js';
import { matchRoute } from './router.js';
import type { Fault } from './state.js';

/** The emulator's routes, by the surface that serves them. */
export interface RouteTable {
  readonly inspection: readonly Route[];
  readonly issuer: readonly Route[];
  readonly arm: readonly Route[];
  readonly graph: readonly Route[];
}

const log = createLogger('azure-emulator');

const faultCodes: Readonly<Record<number, string>> = {
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

const apiVersionPattern = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Serves one HTTP exchange: reads the request, dispatches it, writes the answer. */
export async function serve(
  context: EmulatorContext,
  routes: RouteTable,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  let response: EmulatorResponse;
  try {
    const request: EmulatorRequest = {
      method: incoming.method ?? 'GET',
      url: new URL(incoming.url ?? '/', context.url()),
      headers: incoming.headers,
      bodyText: await readBody(incoming),
      params: {},
    };
    response = await dispatch(context, routes, request);
  } catch (caught) {
    log.error('Request failed', { reason: (caught as Error).message });
    response = problem(500, 'emulator-error', 'The emulator failed to answer this request.');
  }
  write(outgoing, response);
}

async function dispatch(
  context: EmulatorContext,
  routes: RouteTable,
  request: EmulatorRequest,
): Promise<EmulatorResponse> {
  const path = request.url.pathname;
  if (path.startsWith('/_emulator/')) {
    return route(routes.inspection, request, () => problem(404, 'not-found', 'No such endpoint.'));
  }
  if (/^\/subscriptions\//i.test(path)) {
    return serveResourceApi(context, 'arm', routes.arm, request);
  }
  if (/^\/v1\.0\//i.test(path)) {
    return serveResourceApi(context, 'graph', routes.graph, request);
  }
  return route(routes.issuer, request, () => problem(404, 'not-found', 'No such endpoint.'));
}

async function serveResourceApi(
  context: EmulatorContext,
  surface: ResourceSurface,
  routes: readonly Route[],
  request: EmulatorRequest,
): Promise<EmulatorResponse> {
  const response = await answerResourceCall(context, surface, routes, request);
  context.state.recordCall({
    method: request.method,
    path: request.url.pathname,
    status: response.status,
    at: Date.now(),
  });
  return response;
}

async function answerResourceCall(
  context: EmulatorContext,
  surface: ResourceSurface,
  routes: readonly Route[],
  request: EmulatorRequest,
): Promise<EmulatorResponse> {
  const errorOf = surface === 'arm' ? armError : graphError;

  const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!token || !(await isValidBearer(context.signingKey, context.url(), token, surface))) {
    const response = errorOf(
      401,
      'InvalidAuthenticationToken',
      'The access token is missing or invalid.',
    );
    return {
      ...response,
      headers: { ...response.headers, 'www-authenticate': 'Bearer error="invalid_token"' },
    };
  }

  const apiVersion = request.url.searchParams.get('api-version');
  if (surface === 'arm' && !apiVersion) {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  if (surface === 'arm' && !apiVersionPattern.test(apiVersion ?? '')) {
    return armError(
      400,
      'InvalidApiVersionParameter',
      'The api-version is not a valid API version.',
    );
  }

  const fault = context.state.takeFault(request.method, request.url.pathname);
  if (fault) {
    return faultResponse(fault, errorOf);
  }

  return route(routes, request, () =>
    surface === 'arm'
      ? armError(404, 'InvalidResourceType', 'The resource type or operation could not be found.')
      : graphError(400, 'BadRequest', 'Resource not found for the segment.'),
  );
}

async function route(
  routes: readonly Route[],
  request: EmulatorRequest,
  notFound: () => EmulatorResponse,
): Promise<EmulatorResponse> {
  const match = matchRoute(routes, request);
  if (!match) {
    return notFound();
  }
  try {
    return await match.handler({ ...request, params: match.params });
  } catch (caught) {
    if (caught instanceof EmulatorFailure) {
      return caught.response;
    }
    throw caught;
  }
}

function faultResponse(
  fault: Fault,
  errorOf: (status: number, code: string, message: string) => EmulatorResponse,
): EmulatorResponse {
  const retryAfterSeconds = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
  const code = faultCodes[fault.status] ?? 'EmulatedFailure';
  const response = errorOf(fault.status, code, 'The emulator was told to fail this call.');
  if (retryAfterSeconds === undefined) {
    return response;
  }
  return {
    ...response,
    headers: { ...response.headers, 'retry-after': String(retryAfterSeconds) },
  };
}

function write(outgoing: ServerResponse, response: EmulatorResponse): void {
  const body =
    response.body === undefined
      ? undefined
      : typeof response.body === 'string'
        ? response.body
        : JSON.stringify(response.body);
  outgoing.writeHead(response.status, { ...response.headers });
  outgoing.end(body);
}
