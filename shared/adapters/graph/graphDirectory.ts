import type { TokenCredential } from '@azure/core-auth';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Directory, DirectoryUser } from '../../services/ports/directory.js';
import type { GraphClientOptions } from './graphClient.js';
import { createGraphClient, userPath } from './graphClient.js';
import { isResourceNotFound, toGraphUpstreamError } from './graphFailure.js';

/** Graph checks at most this many groups per checkMemberGroups call. */
const groupIdsPerCall = 20;

/** The live directory through Microsoft Graph; any failure but "no such user" fails closed. */
export class GraphDirectory implements Directory {
  private readonly client: Client;

  constructor(credential: TokenCredential, options: GraphClientOptions) {
    this.client = createGraphClient(credential, options);
  }

  /** Which of `groupIds` the user is in, transitively; [] when there is no such user. */
  async checkMemberGroups(userId: string, groupIds: readonly string[]): Promise<string[]> {
    const path = `${userPath(userId)}/checkMemberGroups`;
    const unique = [...new Set(groupIds)];
    const members = new Set<string>();

    for (let start = 0; start < unique.length; start += groupIdsPerCall) {
      const batch = unique.slice(start, start + groupIdsPerCall);
      try {
        const answer = (await this.client.api(path).post({ groupIds: batch })) as GroupIdList;
        for (const groupId of answer.value ?? []) {
          members.add(groupId.toLowerCase());
        }
      } catch (caught) {
        if (isResourceNotFound(caught)) {
          return [];
        }
        throw toGraphUpstreamError('check group membership', caught);
      }
    }

    return unique.filter((groupId) => members.has(groupId.toLowerCase()));
  }

  /** The user, or undefined when Graph says there is no such user. */
  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    try {
      const user = (await this.client
        .api(userPath(userId))
        .select(['id', 'displayName', 'userPrincipalName'])
        .get()) as GraphUser;
      return {
        id: user.id,
        ...(user.displayName ? { displayName: user.displayName } : {}),
        ...(user.userPrincipalName ? { userPrincipalName: user.userPrincipalName } : {}),
      };
    } catch (caught) {
      if (isResourceNotFound(caught)) {
        return undefined;
      }
      throw toGraphUpstreamError('read a user', caught);
    }
  }
}

interface GroupIdList {
  readonly value?: readonly string[];
}

interface GraphUser {
  readonly id: string;
  readonly displayName?: string | null;
  readonly userPrincipalName?: string | null;
}
