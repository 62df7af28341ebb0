import type { AccessRequest } from '../domain/accessRequest.js';
import type { Caller } from '../domain/caller.js';
import { approverGroupsOf } from '../domain/policy.js';
import type { BrokerContext } from './brokerContext.js';
import type { Page, PageRequest } from './ports/documentStore.js';

/** Whose requests to list: the caller's own, or those the caller may decide now. */
export type RequestScope = 'mine' | 'approvable';

/** Lists requests newest first, one page at a time. */
export async function listRequests(
  context: BrokerContext,
  caller: Caller,
  scope: RequestScope,
  page: PageRequest,
): Promise<Page<AccessRequest>> {
  const newestFirst = { orderBy: 'createdAt', direction: 'descending' } as const;
  if (scope === 'mine') {
    return context.requests.queryOrdered(
      {
        ...newestFirst,
        where: 'c.requesterId = @caller',
        parameters: [{ name: '@caller', value: caller.id }],
      },
      page,
    );
  }

  const approverGroups = approverGroupsOf(context.policy);
  const groups = await context.directory.checkMemberGroups(caller.id, approverGroups);
  if (groups.length === 0) {
    return { items: [] };
  }
  const inGroup = groups.map((_, index) => `ARRAY_CONTAINS(c.approverGroupIds, @g${index})`);
  return context.requests.queryOrdered(
    {
      ...newestFirst,
      where: `c.status = 'pending' AND c.requesterId != @caller AND (${inGroup.join(' OR ')})`,
      parameters: [
        { name: '@caller', value: caller.id },
        ...groups.map((group, index) => ({ name: `@g${index}`, value: group })),
      ],
    },
    page,
  );
}
