import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { estate, seedUser } from '../seed.js';
import { bastionLinkRoutes } from './armBastionLinks.js';
import { bastionSessionRoutes } from './armBastionSessions.js';
import { armOperationRoutes } from './armOperations.js';
import { armResourceRoutes } from './armResources.js';
import { securityRuleRoutes } from './armSecurityRules.js';
import type { EmulatorContext } from './context.js';
import type { SessionInput } from './control.js';
import { EmulatorControl } from './control.js';
import { entraIssuerRoutes } from './entraIssuer.js';
import type { UserTokenOptions } from './entraTokens.js';
import { issuerFor, signUserToken } from './entraTokens.js';
import { graphRoutes } from './graph.js';
import { inspectionRoutes } from './inspection.js';
import { OperationTracker } from './longRunningOperations.js';
import { PageStore } from './paging.js';
import { serve } from './server.js';
import { loadSigningKey } from './signingKey.js';
import type {
  BastionSettings,
  Fault,
  LoggedCall,
  LroSettings,
  RecordedNotification,
  StoredLink,
  StoredSession,
} from './state.js';
import { EmulatorState } from './state.js';

/** The port the embedded default runs the emulator on. */
export const defaultEmulatorPort = 7443;

/** How to start the emulator. */
export interface AzureEmulatorOptions {
  /** Port on 127.0.0.1; 0 picks a free one; {@link defaultEmulatorPort} when absent. */
  readonly port?: number;
  readonly tls: { readonly certPem: string; readonly keyPem: string };
  /** Items per page of every paged ARM answer; small so that `nextLink` is always exercised. */
  readonly pageSize?: number;
  /** How long-running operations behave at start (and after reset). */
  readonly lro?: Partial<LroSettings>;
  /** Most shareable links per Bastion host; 500 as in Azure. */
  readonly maxLinksPerBastion?: number;
}

/** A running emulator of ARM, Graph and Entra ID, with typed inspection and fault helpers. */
export interface AzureEmulator {
  /** The origin it serves, e.g. `https://localhost:7443`. */
  readonly url: string;
  /** The issuer of the tokens it signs, `${url}/${tenantId}/v2.0`. */
  readonly issuer: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
  /** An access token for the broker API on behalf of a seeded user. */
  issueUserToken(alias: string, options?: UserTokenOptions): Promise<string>;
  /** Every shareable link the Bastion host keeps. */
  links(): StoredLink[];
  /** Every live simulated session. */
  sessions(): StoredSession[];
  /** Opens a simulated session (via a link needs the VM to have one). */
  openSession(input: SessionInput): StoredSession;
  /** Activity notifications and mails received through Graph. */
  notifications(): RecordedNotification[];
  /** Makes the next matching ARM or Graph calls fail. */
  injectFault(fault: Fault): void;
  /** Changes how long-running operations behave. */
  setLro(settings: Partial<LroSettings>): LroSettings;
  /** Changes the Bastion host's SKU or settings. */
  configureBastion(settings: Partial<BastionSettings>): BastionSettings;
  /** Declares that a group is a member of other groups (transitive membership). */
  nestGroup(groupId: string, parentGroupIds: readonly string[]): void;
  /** ARM and Graph calls answered so far. */
  calls(): LoggedCall[];
  /** Back to the seeded start. */
  reset(): void;
}

const defaults = { pageSize: 2, pollsBeforeDone: 1, retryAfterSeconds: 1, maxLinks: 500 };

/** Starts the HTTPS emulator on 127.0.0.1 (answering as `localhost`). */
export async function startAzureEmulator(options: AzureEmulatorOptions): Promise<AzureEmulator> {
  let url = '';
  const state = new EmulatorState(
    {
      pollsBeforeDone: options.lro?.pollsBeforeDone ?? defaults.pollsBeforeDone,
      retryAfterSeconds: options.lro?.retryAfterSeconds ?? defaults.retryAfterSeconds,
    },
    { ...estate.bastion },
  );
  const context: EmulatorContext = {
    state,
    operations: new OperationTracker(() => state.lro),
    pages: new PageStore(options.pageSize ?? defaults.pageSize),
    signingKey: await loadSigningKey(),
    maxLinksPerBastion: options.maxLinksPerBastion ?? defaults.maxLinks,
    url: () => url,
  };
  const control = new EmulatorControl(context);
  const routes = {
    inspection: inspectionRoutes(context, control),
    issuer: entraIssuerRoutes(context),
    arm: [
      ...armResourceRoutes(context),
      ...bastionLinkRoutes(context),
      ...bastionSessionRoutes(context),
      ...armOperationRoutes(context),
      ...securityRuleRoutes(context),
    ],
    graph: graphRoutes(context),
  };

  const server = createServer(
    { cert: options.tls.certPem, key: options.tls.keyPem },
    (req, res) => {
      void serve(context, routes, req, res);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? defaultEmulatorPort, '127.0.0.1', () => resolve());
  });
  url = `https://localhost:${(server.address() as AddressInfo).port}`;

  return {
    url,
    issuer: issuerFor(url),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    issueUserToken: (alias, tokenOptions) =>
      signUserToken(context.signingKey, url, seedUser(alias), tokenOptions),
    links: () => control.links(),
    sessions: () => control.sessions(),
    openSession: (input) => control.openSession(input),
    notifications: () => control.notifications(),
    injectFault: (fault) => control.injectFault(fault),
    setLro: (settings) => control.setLro(settings),
    configureBastion: (settings) => control.configureBastion(settings),
    nestGroup: (groupId, parentGroupIds) => control.nestGroup(groupId, parentGroupIds),
    calls: () => control.calls(),
    reset: () => control.reset(),
  };
}
