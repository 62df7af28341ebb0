import type { AuditFilter, AuditRecord } from '../domain/auditEvent.js';
import type { Caller } from '../domain/caller.js';
import { appRoles, hasRole } from '../domain/caller.js';
import { AccessDeniedError } from '../domain/errors.js';
import type { BrokerContext } from './brokerContext.js';
import type { Page, PageRequest } from './ports/documentStore.js';

/** Audit records for auditors (app role `Audit.Read`), oldest first. */
export async function queryAudit(
  context: BrokerContext,
  caller: Caller,
  filter: AuditFilter,
  page: PageRequest,
): Promise<Page<AuditRecord>> {
  if (!hasRole(caller, appRoles.auditReader)) {
    throw new AccessDeniedError(
      'Reading the audit trail needs the Audit.Read role.',
      'not-an-auditor',
    );
  }
  return context.audit.query(filter, page);
}
