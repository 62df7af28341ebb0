import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ensureDevCertificates } from '../../dev/certificates.js';
import type { AzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { startAzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { brokerIdentity, groups, seedUser, tenantId } from '../../dev/seed.js';
import { createAzureCredential } from '../../shared/adapters/arm/azureCredential.js';
import { GraphDirectory } from '../../shared/adapters/graph/graphDirectory.js';
import { UpstreamError } from '../../shared/domain/errors.js';

const alice = seedUser('alice');
const dave = seedUser('dave');
const unknownUserId = '0b1c2d3e-ffff-4000-8000-000000000000';
const platformAdmins = '1a2b3c4d-00ff-4000-8000-0000000000ff';

/** `count` made-up group ids that nobody is a member of. */
function strangerGroups(count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => `9f9f9f9f-0000-4000-8000-${String(index).padStart(12, '0')}`,
  );
}

describe('GraphDirectory', () => {
  let emulator: AzureEmulator;
  let directory: GraphDirectory;

  const checkMemberGroupCalls = () =>
    emulator.calls().filter((call) => call.path.endsWith('/checkMemberGroups'));

  before(async () => {
    emulator = await startAzureEmulator({ port: 0, tls: await ensureDevCertificates() });
    const credential = createAzureCredential({
      authorityHost: emulator.url,
      tenantId,
      ...brokerIdentity,
    });
    directory = new GraphDirectory(credential, {
      baseUrl: `${emulator.url}/v1.0`,
      retry: { maxRetries: 1, delayInSeconds: 0 },
    });
  });

  beforeEach(() => emulator.reset());

  after(() => emulator.close());

  describe('checkMemberGroups', () => {
    it('returns the groups the user is a direct member of', async () => {
      const member = await directory.checkMemberGroups(dave.id, [
        groups.approvers.id,
        groups.requesters.id,
      ]);

      assert.deepEqual(member, [groups.approvers.id, groups.requesters.id]);
    });

    it('returns only the groups the user is in', async () => {
      const member = await directory.checkMemberGroups(alice.id, [
        groups.approvers.id,
        groups.requesters.id,
      ]);

      assert.deepEqual(member, [groups.requesters.id]);
    });

    it('counts membership through nested groups', async () => {
      emulator.nestGroup(groups.approvers.id, [platformAdmins]);

      assert.deepEqual(await directory.checkMemberGroups(dave.id, [platformAdmins]), [
        platformAdmins,
      ]);
      assert.deepEqual(await directory.checkMemberGroups(alice.id, [platformAdmins]), []);
    });

    it('asks in batches of 20 when given more group ids', async () => {
      const asked = [...strangerGroups(25), groups.approvers.id, ...strangerGroups(30).slice(25)];

      const member = await directory.checkMemberGroups(dave.id, asked);

      assert.deepEqual(member, [groups.approvers.id]);
      assert.equal(checkMemberGroupCalls().length, 2);
    });

    it('returns no groups for a user the directory does not know', async () => {
      assert.deepEqual(await directory.checkMemberGroups(unknownUserId, [groups.approvers.id]), []);
    });

    it('fails closed with an UpstreamError when Graph fails', async () => {
      emulator.injectFault({ pathContains: '/checkMemberGroups', status: 500, times: 1 });

      await assert.rejects(
        directory.checkMemberGroups(dave.id, [groups.approvers.id]),
        (error: unknown) => {
          assert.ok(error instanceof UpstreamError);
          assert.equal(error.dependency, 'graph');
          assert.equal(error.upstreamStatus, 500);
          return true;
        },
      );
    });

    it('retries a throttled call after Retry-After, then answers', async () => {
      emulator.injectFault({
        pathContains: '/checkMemberGroups',
        status: 429,
        retryAfterSeconds: 0,
        times: 1,
      });

      const member = await directory.checkMemberGroups(dave.id, [groups.approvers.id]);

      assert.deepEqual(member, [groups.approvers.id]);
      assert.deepEqual(
        checkMemberGroupCalls().map((call) => call.status),
        [429, 200],
      );
    });

    it('fails closed when throttling lasts beyond the retries', async () => {
      emulator.injectFault({
        pathContains: '/checkMemberGroups',
        status: 429,
        retryAfterSeconds: 0,
        times: 5,
      });

      await assert.rejects(
        directory.checkMemberGroups(dave.id, [groups.approvers.id]),
        (error: unknown) => error instanceof UpstreamError && error.upstreamStatus === 429,
      );
    });
  });

  describe('getUser', () => {
    it('returns the user with name and principal name', async () => {
      assert.deepEqual(await directory.getUser(alice.id), {
        id: alice.id,
        displayName: alice.displayName,
        userPrincipalName: alice.userPrincipalName,
      });
    });

    it('returns undefined for a user the directory does not know', async () => {
      assert.equal(await directory.getUser(unknownUserId), undefined);
    });

    it('fails closed with an UpstreamError when Graph is unavailable', async () => {
      emulator.injectFault({ method: 'GET', pathContains: '/users/', status: 503, times: 5 });

      await assert.rejects(directory.getUser(alice.id), UpstreamError);
    });

    it('fails closed when the broker cannot get a token for Graph', async () => {
      const locked = new GraphDirectory(
        createAzureCredential({
          authorityHost: emulator.url,
          tenantId,
          clientId: brokerIdentity.clientId,
          clientSecret: 'not-the-secret',
        }),
        { baseUrl: `${emulator.url}/v1.0` },
      );

      await assert.rejects(locked.getUser(alice.id), UpstreamError);
    });
  });
});
