import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { HttpFunctionOptions, HttpResponseInit } from '@azure/functions';
// NOTE: the package is CommonJS and Node's ESM loader does not see these classes as named
// exports, so they are taken from the default export.
import azureFunctions from '@azure/functions';

import { toProblemResponse } from '../../shared/http/problem.js';
import { BrokerError } from '../../shared/domain/errors.js';
import type { RouteTemplate } from './routeTemplate.js';

const { HttpRequest, InvocationContext } = azureFunctions;

/** An HTTP function as the local host serves it. */
export interface HttpRoute {
  readonly name: string;
  readonly methods: readonly string[];
  readonly route: RouteTemplate;
  readonly options: HttpFunctionOptions;
}

const maxBodyInBytes = 1024 * 1024;

/**
 * Serves one node HTTP request the way the Functions host would: matches `/api/<route>`, builds
 * an `HttpRequest` and `InvocationContext`, runs the handler and writes its `HttpResponseInit`.
 */
export async function serveHttp(
  routes: readonly HttpRoute[],
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  origin: string,
): Promise<void> {
  const method = (incoming.method ?? 'GET').toUpperCase();
  let url = new URL('/', origin);
  try {
    url = new URL(incoming.url ?? '/', origin);
    const path = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : undefined;
    const candidates = path === undefined ? [] : routes.filter((route) => route.route.match(path));
    const route = candidates.find((candidate) => candidate.methods.includes(method));
    if (!route && candidates.length > 0) {
      const allowed = [...new Set(candidates.flatMap((candidate) => candidate.methods))];
      outgoing.setHeader('allow', allowed.join(', '));
      throw new BrokerError('method-not-allowed', 405, `${method} is not allowed here.`);
    }
    if (!route) {
      throw new BrokerError('not-found', 404, 'There is no such endpoint.');
    }

    const body = await readBody(incoming);
    const request = new HttpRequest({
      method,
      url: url.toString(),
      headers: headersOf(incoming),
      query: Object.fromEntries(url.searchParams),
      params: route.route.match(path as string) ?? {},
      ...(body.length > 0 ? { body: { bytes: body } } : {}),
    });
    const context = new InvocationContext({ invocationId: randomUUID(), functionName: route.name });
    const response = ((await route.options.handler(request, context)) ?? {}) as HttpResponseInit;
    await writeResponse(outgoing, response);
  } catch (caught) {
    const problem = toProblemResponse(caught, url.pathname);
    outgoing.writeHead(problem.status, { ...outgoing.getHeaders(), ...problem.headers });
    outgoing.end(problem.body);
  }
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > maxBodyInBytes) {
      throw new BrokerError('body-too-large', 413, 'The body is too large.');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function headersOf(incoming: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return headers;
}

async function writeResponse(outgoing: ServerResponse, response: HttpResponseInit): Promise<void> {
  const headers = new Headers(response.headers as Record<string, string> | undefined);
  let body: string | Uint8Array | undefined;
  if (response.jsonBody !== undefined) {
    body = JSON.stringify(response.jsonBody);
    if (!headers.has('content-type')) {
      headers.set('content-type', 'application/json');
    }
  } else if (typeof response.body === 'string' || response.body instanceof Uint8Array) {
    body = response.body;
  }
  outgoing.writeHead(response.status ?? 200, Object.fromEntries(headers));
  outgoing.end(body);
}
