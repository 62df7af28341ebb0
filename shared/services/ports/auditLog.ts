import type { AuditEvent, AuditFilter, AuditRecord } from '../../domain/auditEvent.js';
import type { Page, PageRequest } from './documentStore.js';

/** The append-only, hash-chained audit trail. */
export interface AuditLog {
  /** Appends one event; resolves once it is durably stored. */
  append(event: AuditEvent): Promise<AuditRecord>;
  /** Records matching the filter, oldest first. */
  query(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>>;
}
