import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ensureDevCertificates } from '../../dev/certificates.js';
import type { AzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { startAzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { brokerIdentity, estateIds, tenantId } from '../../dev/seed.js';
import { createAzureCredential } from '../../shared/adapters/arm/azureCredential.js';
import type { BastionLinkGatewayOptions } from '../../shared/adapters/arm/bastionLinkGateway.js';
import { BastionLinkGateway } from '../../shared/adapters/arm/bastionLinkGateway.js';
import { UpstreamError } from '../../shared/domain/errors.js';
import { parseResourceId } from '../../shared/domain/resourceId.js';

const bastion = parseResourceId(estateIds.bastion, 'bastionHost');
const linuxVm = parseResourceId(estateIds.linuxVm, 'virtualMachine');
const windowsVm = parseResourceId(estateIds.windowsVm, 'virtualMachine');
const linkUrlFormat =
  /^https:\/\/bst-[0-9a-f-]{36}\.bastion\.azure\.com\/api\/shareable-url\/[\w-]+$/;

describe('BastionLinkGateway', () => {
  let emulator: AzureEmulator;
  let gateway: BastionLinkGateway;

  const gatewayWith = (options: Partial<BastionLinkGatewayOptions> = {}) =>
    new BastionLinkGateway(
      createAzureCredential({ authorityHost: emulator.url, tenantId, ...brokerIdentity }),
      {
        endpoint: emulator.url,
        pollIntervalInMs: 5,
        retryOptions: { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
        ...options,
      },
    );
  const callsTo = (fragment: string) =>
    emulator.calls().filter((call) => call.path.toLowerCase().includes(fragment.toLowerCase()));
  const callsOf = (operation: string) =>
    emulator
      .calls()
      .filter((call) => call.path.toLowerCase().endsWith(`/${operation.toLowerCase()}`));

  before(async () => {
    emulator = await startAzureEmulator({
      port: 0,
      tls: await ensureDevCertificates(),
      pageSize: 1,
      lro: { pollsBeforeDone: 1, retryAfterSeconds: 0 },
    });
    gateway = gatewayWith();
  });

  beforeEach(() => emulator.reset());

  after(() => emulator.close());

  describe('createLink', () => {
    it('creates a link for the VM by polling the long-running operation to its end', async () => {
      const link = await gateway.createLink(bastion, linuxVm);

      assert.equal(link.vmId, estateIds.linuxVm);
      assert.match(link.url, linkUrlFormat);
      assert.deepEqual(
        emulator.links().map((stored) => stored.url),
        [link.url],
      );
      assert.deepEqual(
        callsTo('/operationResults/').map((call) => call.status),
        [202, 200],
      );
    });

    it('gives back the same URL when the VM already has a link', async () => {
      const first = await gateway.createLink(bastion, linuxVm);
      const second = await gateway.createLink(bastion, linuxVm);

      assert.equal(second.url, first.url);
      assert.equal(emulator.links().length, 1);
    });

    it('treats resource names case-insensitively, as ARM does', async () => {
      const first = await gateway.createLink(bastion, linuxVm);
      const shouting = parseResourceId(estateIds.linuxVm.toUpperCase(), 'virtualMachine');
      const loudBastion = parseResourceId(estateIds.bastion.toUpperCase(), 'bastionHost');

      const second = await gateway.createLink(loudBastion, shouting);

      assert.equal(second.url, first.url);
    });

    it('still completes when the operation takes many polls', async () => {
      emulator.setLro({ pollsBeforeDone: 4 });

      const link = await gateway.createLink(bastion, windowsVm);

      assert.match(link.url, linkUrlFormat);
      assert.deepEqual(
        callsTo('/operationResults/').map((call) => call.status),
        [202, 202, 202, 202, 200],
      );
    });

    it('waits as long as the Retry-After of a running operation asks', async () => {
      emulator.setLro({ pollsBeforeDone: 1, retryAfterSeconds: 1 });

      await gateway.createLink(bastion, linuxVm);

      const [running, done] = callsTo('/operationResults/');
      assert.ok(running && done);
      assert.ok(done.at - running.at >= 950, `polled again after ${done.at - running.at} ms`);
    });

    it('fails with an UpstreamError when the VM is unknown to ARM', async () => {
      const stranger = parseResourceId(
        estateIds.linuxVm.replace('vm-linux-01', 'vm-nowhere'),
        'virtualMachine',
      );

      await assert.rejects(gateway.createLink(bastion, stranger), (error: unknown) => {
        assert.ok(error instanceof UpstreamError);
        assert.equal(error.upstreamStatus, 404);
        return true;
      });
    });

    it('fails with an UpstreamError when the host does not allow shareable links', async () => {
      emulator.configureBastion({ sku: 'Basic', enableShareableLink: false });

      await assert.rejects(gateway.createLink(bastion, linuxVm), UpstreamError);
      assert.equal(emulator.links().length, 0);
    });
  });

  describe('getLink', () => {
    it('returns the VM link', async () => {
      const created = await gateway.createLink(bastion, linuxVm);

      assert.deepEqual(await gateway.getLink(bastion, linuxVm), created);
    });

    it('returns undefined when the VM has no link', async () => {
      await gateway.createLink(bastion, windowsVm);

      assert.equal(await gateway.getLink(bastion, linuxVm), undefined);
    });

    it('retries a 429 after the Retry-After it carries, then succeeds', async () => {
      await gateway.createLink(bastion, linuxVm);
      emulator.injectFault({
        method: 'POST',
        pathContains: '/getShareableLinks',
        status: 429,
        retryAfterSeconds: 1,
        times: 1,
      });

      const link = await gateway.getLink(bastion, linuxVm);

      assert.ok(link);
      const [throttled, served] = callsTo('/getShareableLinks');
      assert.equal(throttled?.status, 429);
      assert.equal(served?.status, 200);
      assert.ok(served.at - throttled.at >= 950, `retried after ${served.at - throttled.at} ms`);
    });

    it('surfaces a lasting 5xx as an UpstreamError without upstream details', async () => {
      await gateway.createLink(bastion, linuxVm);
      emulator.injectFault({ pathContains: '/getShareableLinks', status: 503, times: 10 });

      await assert.rejects(gateway.getLink(bastion, linuxVm), (error: unknown) => {
        assert.ok(error instanceof UpstreamError);
        assert.equal(error.dependency, 'arm');
        assert.equal(error.upstreamStatus, 503);
        assert.doesNotMatch(error.message, /https?:|shareable-url|emulator/i);
        return true;
      });
      assert.equal(callsTo('/getShareableLinks').length, 3);
    });

    it('reports the wait a throttling ARM asked for when retries are exhausted', async () => {
      const impatient = gatewayWith({ retryOptions: { maxRetries: 0 } });
      emulator.injectFault({
        pathContains: '/getShareableLinks',
        status: 429,
        retryAfterSeconds: 7,
        times: 1,
      });

      await assert.rejects(impatient.getLink(bastion, linuxVm), (error: unknown) => {
        assert.ok(error instanceof UpstreamError);
        assert.equal(error.upstreamStatus, 429);
        assert.equal(error.retryAfterInMs, 7000);
        return true;
      });
    });
  });

  describe('listLinks', () => {
    it('follows nextLink across pages until every link is listed', async () => {
      const linux = await gateway.createLink(bastion, linuxVm);
      const windows = await gateway.createLink(bastion, windowsVm);

      const links = await gateway.listLinks(bastion);

      assert.deepEqual(links.map((link) => link.url).sort(), [linux.url, windows.url].sort());
      assert.equal(callsTo('/pagedResults/').length, 1);
    });

    it('returns an empty list when the host has no links', async () => {
      assert.deepEqual(await gateway.listLinks(bastion), []);
    });
  });

  describe('deleteLink', () => {
    it('deletes the link by its token when the URL is known', async () => {
      const link = await gateway.createLink(bastion, linuxVm);
      await gateway.createLink(bastion, windowsVm);

      await gateway.deleteLink(bastion, linuxVm, link.url);

      assert.equal(await gateway.getLink(bastion, linuxVm), undefined);
      assert.ok(await gateway.getLink(bastion, windowsVm));
      assert.equal(callsOf('deleteShareableLinksByToken').length, 1);
      assert.equal(callsOf('deleteShareableLinks').length, 0);
    });

    it('deletes by VM when no URL is known', async () => {
      await gateway.createLink(bastion, linuxVm);

      await gateway.deleteLink(bastion, linuxVm);

      assert.equal(emulator.links().length, 0);
      assert.equal(callsOf('deleteShareableLinksByToken').length, 0);
      assert.equal(callsOf('deleteShareableLinks').length, 1);
    });

    it('falls back to deleting by VM when deleting by token fails', async () => {
      const link = await gateway.createLink(bastion, linuxVm);
      emulator.injectFault({ pathContains: '/deleteShareableLinksByToken', status: 500, times: 3 });

      await gateway.deleteLink(bastion, linuxVm, link.url);

      assert.equal(emulator.links().length, 0);
    });

    it('leaves a newer link of the VM alone when the token it was given is already gone', async () => {
      const newer = await gateway.createLink(bastion, linuxVm);
      const stale =
        'https://bst-00000000-0000-0000-0000-000000000000.bastion.azure.com' +
        '/api/shareable-url/stale-token';

      await gateway.deleteLink(bastion, linuxVm, stale);

      assert.deepEqual(
        emulator.links().map((link) => link.url),
        [newer.url],
      );
    });

    it('deletes by VM when it is given no link', async () => {
      await gateway.createLink(bastion, linuxVm);

      await gateway.deleteLink(bastion, linuxVm);

      assert.equal(emulator.links().length, 0);
    });

    it('fails with an UpstreamError when ARM refuses to delete', async () => {
      await gateway.createLink(bastion, linuxVm);
      emulator.injectFault({ pathContains: '/deleteShareableLinks', status: 500, times: 10 });

      await assert.rejects(gateway.deleteLink(bastion, linuxVm), UpstreamError);
      assert.equal(emulator.links().length, 1);
    });
  });

  describe('listSessions and disconnectSessions', () => {
    it('keeps a link session alive after the link is deleted, until disconnected', async () => {
      const link = await gateway.createLink(bastion, linuxVm);
      const opened = emulator.openSession({
        vmId: estateIds.linuxVm,
        userName: 'alice',
        protocol: 'SSH',
        via: 'link',
      });

      await gateway.deleteLink(bastion, linuxVm, link.url);
      const survivors = await gateway.listSessions(bastion);

      assert.deepEqual(
        survivors.map((session) => [session.sessionId, session.targetResourceId, session.protocol]),
        [[opened.sessionId, estateIds.linuxVm, 'SSH']],
      );

      const outcomes = await gateway.disconnectSessions(bastion, [opened.sessionId]);

      assert.deepEqual(outcomes, [{ sessionId: opened.sessionId, state: 'Disconnected' }]);
      assert.deepEqual(await gateway.listSessions(bastion), []);
    });

    it('lists sessions across pages of the long-running operation result', async () => {
      emulator.openSession({
        vmId: estateIds.linuxVm,
        userName: 'alice',
        protocol: 'ssh',
        via: 'tunnel',
      });
      emulator.openSession({
        vmId: estateIds.windowsVm,
        userName: 'bob',
        protocol: 'rdp',
        via: 'tunnel',
      });

      const sessions = await gateway.listSessions(bastion);

      assert.deepEqual(sessions.map((session) => session.userName).sort(), ['alice', 'bob']);
      assert.ok(callsTo('/getActiveSessions/operationResults/').length >= 2);
      assert.equal(callsTo('/pagedResults/').length, 1);
    });

    it('reports NotFound for a session that is already gone', async () => {
      const outcomes = await gateway.disconnectSessions(bastion, ['no-such-session']);

      assert.deepEqual(outcomes, [{ sessionId: 'no-such-session', state: 'NotFound' }]);
    });

    it('asks Azure nothing when there is nothing to disconnect', async () => {
      assert.deepEqual(await gateway.disconnectSessions(bastion, []), []);
      assert.equal(callsTo('/disconnectActiveSessions').length, 0);
    });
  });
});
