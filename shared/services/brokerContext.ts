import type { AccessRequest } from '../domain/accessRequest.js';
import type { Clock } from '../domain/clock.js';
import type { IdGenerator } from '../domain/ids.js';
import type { LinkLease } from '../domain/linkLease.js';
import type { AccessPolicy } from '../domain/policy.js';
import type { AuditLog } from './ports/auditLog.js';
import type { Directory } from './ports/directory.js';
import type { DocumentStore } from './ports/documentStore.js';
import type { GrantQueue } from './ports/grantQueue.js';
import type { LinkGateway } from './ports/linkGateway.js';

/** Everything the use cases need, as ports; built once per process by the composition root. */
export interface BrokerContext {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly policy: AccessPolicy;
  readonly requests: DocumentStore<AccessRequest>;
  readonly leases: DocumentStore<LinkLease>;
  readonly audit: AuditLog;
  readonly directory: Directory;
  readonly links: LinkGateway;
  readonly queue: GrantQueue;
}
