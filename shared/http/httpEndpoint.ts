import type { z } from 'zod';
import type { Caller } from '../domain/caller.js';
import { BrokerError, ValidationError } from '../domain/errors.js';
import type { FieldProblem } from '../domain/errors.js';
import type { Broker } from '../broker.js';
import { getBroker } from '../broker.js';
import { createLogger } from '../logger.js';
import { rejectedTokens } from '../services/rejectedTokens.js';
import { toProblemResponse } from './problem.js';

/** The parts of an incoming HTTP request the broker reads (an `@azure/functions` HttpRequest). */
export interface HttpInput {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly params: Record<string, string>;
  text(): Promise<string>;
}

/** An HTTP response (assignable to an `@azure/functions` HttpResponseInit). */
export interface HttpOutput {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** What an endpoint's action receives: who calls, and the validated input. */
export interface EndpointCall<B, Q> {
  readonly broker: Broker;
  readonly caller: Caller;
  readonly body: B;
  readonly query: Q;
  readonly params: Record<string, string>;
}

/** What an endpoint's action answers. */
export interface EndpointResult {
  readonly status: number;
  readonly json: unknown;
  readonly headers?: Record<string, string>;
}

/** How an endpoint authenticates and validates before its action runs. */
export interface EndpointSpec<B, Q> {
  readonly body?: z.ZodType<B>;
  readonly query?: z.ZodType<Q>;
  readonly params?: Record<string, z.ZodType<string>>;
  readonly run: (call: EndpointCall<B, Q>) => Promise<EndpointResult>;
}

const maxBodyInBytes = 64 * 1024;
const log = createLogger('http');

/**
 * Wraps an action as an authenticated JSON endpoint: bearer token checked, path, query and body
 * validated with zod, every failure answered as problem+json, nothing unexpected leaked.
 */
export function authenticatedEndpoint<B = undefined, Q = undefined>(spec: EndpointSpec<B, Q>) {
  return async (input: HttpInput): Promise<HttpOutput> => {
    const path = new URL(input.url).pathname;
    try {
      const broker = await getBroker();
      const caller = await authenticate(broker, input);
      const params = parseParams(spec.params, input.params);
      const query = parseWith(
        spec.query,
        queryObjectOf(new URL(input.url).searchParams),
        'query',
      ) as Q;
      const body = (await readBody(spec.body, input)) as B;
      const result = await spec.run({ broker, caller, body, query, params });
      return jsonResponse(result.status, result.json, result.headers);
    } catch (caught) {
      return failure(caught, path);
    }
  };
}

/** Answers JSON with no caching. */
export function jsonResponse(
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): HttpOutput {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
    body: JSON.stringify(json),
  };
}

/** Maps a thrown error to problem+json, logging the unexpected ones without detail leaking. */
export function failure(caught: unknown, path: string): HttpOutput {
  const response = toProblemResponse(caught, path);
  if (response.status >= 500) {
    const reason = caught instanceof BrokerError ? caught.code : 'unexpected';
    const message = caught instanceof Error ? caught.message : 'non-error thrown';
    log.error('Request failed', { path, reason, message: reason === 'unexpected' ? message : '' });
  }
  return response;
}

async function authenticate(broker: Broker, input: HttpInput): Promise<Caller> {
  try {
    return await broker.tokens.authenticate(input.headers.get('authorization'));
  } catch (caught) {
    // A call without any bearer token is not evidence of anything; a refused token is.
    if (caught instanceof BrokerError && caught.status === 401 && caught.code !== 'token-missing') {
      rejectedTokens.count(caught.code);
    }
    throw caught;
  }
}

function parseParams(
  schemas: Record<string, z.ZodType<string>> | undefined,
  raw: Record<string, string>,
): Record<string, string> {
  const parsed: Record<string, string> = {};
  for (const [name, schema] of Object.entries(schemas ?? {})) {
    const result = schema.safeParse(raw[name]);
    if (!result.success) {
      throw new ValidationError(`The path parameter ${name} is not valid.`, [
        { field: `path.${name}`, message: result.error.issues[0]?.message ?? 'invalid' },
      ]);
    }
    parsed[name] = result.data;
  }
  return parsed;
}

function queryObjectOf(query: URLSearchParams): Record<string, string> {
  const object: Record<string, string> = {};
  for (const [key, value] of query) {
    if (Object.hasOwn(object, key)) {
      throw new ValidationError(`The query parameter ${key} is repeated.`, [
        { field: `query.${key}`, message: 'must appear at most once' },
      ]);
    }
    object[key] = value;
  }
  return object;
}

async function readBody<B>(schema: z.ZodType<B> | undefined, input: HttpInput): Promise<unknown> {
  if (!schema) {
    return undefined;
  }
  const declaredLength = Number(input.headers.get('content-length') ?? '0');
  if (declaredLength > maxBodyInBytes) {
    throw new BrokerError('body-too-large', 413, `The body exceeds ${maxBodyInBytes} bytes.`);
  }
  const text = await input.text();
  if (Buffer.byteLength(text) > maxBodyInBytes) {
    throw new BrokerError('body-too-large', 413, `The body exceeds ${maxBodyInBytes} bytes.`);
  }
  if (text.trim() === '') {
    return parseWith(schema, {}, 'body');
  }
  const contentType = input.headers.get('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(;|$)/i.test(contentType)) {
    throw new BrokerError('unsupported-media-type', 415, 'The body must be application/json.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ValidationError('The body is not valid JSON.', [], 'malformed-json');
  }
  return parseWith(schema, json, 'body');
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): unknown {
  if (!schema) {
    return undefined;
  }
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const fields: FieldProblem[] = result.error.issues.slice(0, 20).map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ValidationError(`The ${where} is not valid.`, fields);
}
