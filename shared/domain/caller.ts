import type { PrincipalId } from './ids.js';

/** App roles the broker understands, from the token's `roles` claim. */
export const appRoles = { auditReader: 'Audit.Read', admin: 'Broker.Admin' } as const;

/** The authenticated person (or app) behind a call. */
export interface Caller {
  /** Entra object id (`oid`), lower case. */
  readonly id: PrincipalId;
  readonly tenantId: string;
  /** App roles granted to the caller. */
  readonly roles: ReadonlySet<string>;
  readonly displayName?: string;
}

/** Whether the caller holds the app role. */
export function hasRole(caller: Caller, role: string): boolean {
  return caller.roles.has(role);
}
