import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** A request as the emulator's handlers see it: parsed URL, body already read. */
export interface EmulatorRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, decoded as UTF-8 (empty string when there is none). */
  readonly bodyText: string;
  /** Named parts of the path, filled in by the router. */
  readonly params: Readonly<Record<string, string>>;
}

/** What a handler answers; the server writes it out. */
export interface EmulatorResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON unless it is already a string. */
  readonly body?: unknown;
}

/** Handles one request. */
export type Handler = (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

const maxBodyInBytes = 1024 * 1024;

/** Reads the whole request body, refusing more than 1 MB. */
export async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyInBytes) {
      throw new Error('Request body larger than 1 MB');
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON answer. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    body,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  };
}

/** An answer without a body. */
export function empty(status: number, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers };
}

/** An RFC 9457 problem, for the emulator's own endpoints. */
export function problem(status: number, code: string, detail: string): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: { type: 'about:blank', title: code, status, code, detail },
  };
}

/** The body parsed as JSON, or undefined when it is empty or not JSON. */
export function tryParseJson(request: EmulatorRequest): unknown {
  if (request.bodyText.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(request.bodyText) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value is an array of strings. */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Thrown by a handler to answer at once with `response` (an error in the surface's shape). */
export class EmulatorFailure extends Error {
  constructor(readonly response: EmulatorResponse) {
    super(`Emulator answers ${response.status}`);
  }
}
