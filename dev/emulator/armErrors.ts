import type { EmulatorResponse } from './http.js';
import { json } from './http.js';

/** An error in ARM's `{"error":{"code","message"}}` shape. */
export function armError(status: number, code: string, message: string): EmulatorResponse {
  return json(status, { error: { code, message } });
}

/** ARM's answer for a resource that is not there. */
export function resourceNotFound(type: string, name: string, group: string): EmulatorResponse {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${group}' was not found.`,
  );
}

/** ARM's answer for a malformed request body. */
export function invalidRequest(message: string): EmulatorResponse {
  return armError(400, 'InvalidRequestFormat', message);
}
