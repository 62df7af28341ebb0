import type { TokenCredential } from '@azure/core-auth';
import { NetworkManagementClient } from '@azure/arm-network';
import { UpstreamError } from '../../domain/errors.js';
import type { BastionHostId, VmResourceId } from '../../domain/resourceId.js';
import { createLogger } from '../../logger.js';
import type {
  BastionSession,
  LinkGateway,
  SessionDisconnectOutcome,
  ShareableLink,
} from '../../services/ports/linkGateway.js';
import { toArmUpstreamError } from './armFailure.js';
import {
  findLinkOf,
  toBastionSession,
  toSessionState,
  toShareableLink,
  vmList,
} from './bastionModels.js';
import { tryParseLinkToken } from './shareableLinkToken.js';

/** How the gateway reaches ARM. */
export interface BastionLinkGatewayOptions {
  /** ARM endpoint; `https://management.azure.com` when absent, the emulator's URL locally. */
  readonly endpoint?: string;
  /** Wait between polls of a long-running operation when ARM sends no Retry-After. */
  readonly pollIntervalInMs?: number;
  /** The SDK pipeline's retries of 429, 5xx and transport errors (its defaults when absent). */
  readonly retryOptions?: {
    readonly maxRetries?: number;
    readonly retryDelayInMs?: number;
    readonly maxRetryDelayInMs?: number;
  };
}

const log = createLogger('arm-bastion');

/** Bastion shareable links and sessions through `@azure/arm-network` (pollers and pagers). */
export class BastionLinkGateway implements LinkGateway {
  private readonly clients = new Map<string, NetworkManagementClient>();

  constructor(
    private readonly credential: TokenCredential,
    private readonly options: BastionLinkGatewayOptions = {},
  ) {}

  /** Creates the VM's link (or gets the one it has) and returns it. */
  async createLink(bastion: BastionHostId, vm: VmResourceId): Promise<ShareableLink> {
    const created = await this.collect('create a shareable link', () =>
      this.client(bastion).putBastionShareableLink(
        bastion.resourceGroup,
        bastion.name,
        vmList(vm),
        this.pollOptions(),
      ),
    );
    const link = findLinkOf(created, vm) ?? (await this.getLink(bastion, vm));
    if (!link) {
      throw new UpstreamError('arm', 'Azure created no shareable link for the VM.');
    }
    return link;
  }

  /** The VM's link, or undefined when it has none. */
  async getLink(bastion: BastionHostId, vm: VmResourceId): Promise<ShareableLink | undefined> {
    const links = await this.collect('read a shareable link', () =>
      this.client(bastion).getBastionShareableLink(bastion.resourceGroup, bastion.name, vmList(vm)),
    );
    return findLinkOf(links, vm);
  }

  /** Every link the Bastion host keeps. */
  async listLinks(bastion: BastionHostId): Promise<ShareableLink[]> {
    const links = await this.collect('list shareable links', () =>
      this.client(bastion).getBastionShareableLink(bastion.resourceGroup, bastion.name, {
        vms: [],
      }),
    );
    return links.flatMap((link) => toShareableLink(link) ?? []);
  }

  /**
   * Deletes the link with this URL: by its token, falling back to deleting by VM only when the
   * token call failed or the same link is still listed. Confirms that this link is gone; a newer
   * link of the VM (another grant's) is left alone once the token deletion worked.
   */
  async deleteLink(bastion: BastionHostId, vm: VmResourceId, url?: string): Promise<void> {
    const token = url === undefined ? undefined : tryParseLinkToken(url);
    if (token && (await this.tryDeleteByToken(bastion, token))) {
      const current = await this.getLink(bastion, vm);
      if (!current || current.url !== url) {
        return;
      }
    }

    await this.run('delete a shareable link', () =>
      this.client(bastion).deleteBastionShareableLink(
        bastion.resourceGroup,
        bastion.name,
        vmList(vm),
        this.pollOptions(),
      ),
    );
    const remaining = await this.getLink(bastion, vm);
    if (remaining && (url === undefined || remaining.url === url)) {
      throw new UpstreamError(
        'arm',
        'Azure still lists the shareable link for the VM after deleting it.',
      );
    }
  }

  /** Every live session on the Bastion host. */
  async listSessions(bastion: BastionHostId): Promise<BastionSession[]> {
    const sessions = await this.collect('list active sessions', () =>
      this.client(bastion).getActiveSessions(
        bastion.resourceGroup,
        bastion.name,
        this.pollOptions(),
      ),
    );
    return sessions.flatMap((session) => toBastionSession(session) ?? []);
  }

  /** Disconnects the sessions and reports what happened to each. */
  async disconnectSessions(
    bastion: BastionHostId,
    sessionIds: readonly string[],
  ): Promise<SessionDisconnectOutcome[]> {
    if (sessionIds.length === 0) {
      return [];
    }
    const states = await this.collect('disconnect active sessions', () =>
      this.client(bastion).disconnectActiveSessions(bastion.resourceGroup, bastion.name, {
        sessionIds: [...sessionIds],
      }),
    );
    return states.flatMap(({ sessionId, state }) =>
      sessionId ? [{ sessionId, state: toSessionState(state) }] : [],
    );
  }

  private async tryDeleteByToken(bastion: BastionHostId, token: string): Promise<boolean> {
    try {
      await this.client(bastion).deleteBastionShareableLinkByToken(
        bastion.resourceGroup,
        bastion.name,
        { tokens: [token] },
        this.pollOptions(),
      );
      return true;
    } catch (caught) {
      const { upstreamStatus } = toArmUpstreamError('delete a link by token', caught);
      log.warn('Deleting the link by token failed; deleting it by VM instead', { upstreamStatus });
      return false;
    }
  }

  private client(bastion: BastionHostId): NetworkManagementClient {
    let client = this.clients.get(bastion.subscriptionId);
    if (!client) {
      client = new NetworkManagementClient(this.credential, bastion.subscriptionId, {
        ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
        ...(this.options.retryOptions ? { retryOptions: { ...this.options.retryOptions } } : {}),
      });
      this.clients.set(bastion.subscriptionId, client);
    }
    return client;
  }

  private pollOptions(): { updateIntervalInMs?: number } {
    const { pollIntervalInMs } = this.options;
    return pollIntervalInMs === undefined ? {} : { updateIntervalInMs: pollIntervalInMs };
  }

  private async collect<T>(action: string, list: () => AsyncIterable<T>): Promise<T[]> {
    return this.run(action, async () => {
      const items: T[] = [];
      for await (const item of list()) {
        items.push(item);
      }
      return items;
    });
  }

  private async run<T>(action: string, call: () => PromiseLike<T>): Promise<T> {
    try {
      return await call();
    } catch (caught) {
      throw toArmUpstreamError(action, caught);
    }
  }
}
