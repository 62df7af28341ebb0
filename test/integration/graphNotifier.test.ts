import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ensureDevCertificates } from '../../dev/certificates.js';
import type { AzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { startAzureEmulator } from '../../dev/emulator/azureEmulator.js';
import { brokerIdentity, seedUser, tenantId } from '../../dev/seed.js';
import { createAzureCredential } from '../../shared/adapters/arm/azureCredential.js';
import { GraphNotifier } from '../../shared/adapters/graph/graphNotifier.js';
import { UpstreamError } from '../../shared/domain/errors.js';

describe('GraphNotifier', () => {
  let emulator: AzureEmulator;
  let notifier: GraphNotifier;
  const carol = seedUser('carol');

  before(async () => {
    emulator = await startAzureEmulator({ port: 0, tls: await ensureDevCertificates() });
    const credential = createAzureCredential({
      authorityHost: emulator.url,
      tenantId,
      ...brokerIdentity,
    });
    notifier = new GraphNotifier(credential, {
      baseUrl: `${emulator.url}/v1.0`,
      retry: { maxRetries: 0 },
    });
  });

  beforeEach(() => emulator.reset());

  after(() => emulator.close());

  describe('notifyActivity', () => {
    it('posts the notification to the user activity feed', async () => {
      await notifier.notifyActivity(carol.id, {
        topic: 'Access request',
        webUrl: 'https://teams.microsoft.com/l/entity/app/requests',
        activityType: 'approvalRequired',
        previewText: 'Alice asks for vm-linux-01',
        templateParameters: { requester: 'Alice' },
      });

      const [recorded] = emulator.notifications();
      assert.equal(recorded?.kind, 'activity');
      assert.equal(recorded?.userId, carol.id);
      assert.deepEqual((recorded?.body as { templateParameters: unknown }).templateParameters, [
        { name: 'requester', value: 'Alice' },
      ]);
    });

    it('fails with an UpstreamError when Graph refuses', async () => {
      emulator.injectFault({ pathContains: '/sendActivityNotification', status: 500, times: 1 });

      await assert.rejects(
        notifier.notifyActivity(carol.id, {
          topic: 'Access request',
          webUrl: 'https://teams.microsoft.com/l/entity/app/requests',
          activityType: 'approvalRequired',
          previewText: 'Alice asks for vm-linux-01',
        }),
        UpstreamError,
      );
    });
  });

  describe('sendMail', () => {
    it('sends a plain-text mail from the given mailbox', async () => {
      await notifier.sendMail(carol.id, {
        to: ['dave@contoso.example'],
        subject: 'Access request',
        text: 'Alice asks for vm-linux-01.',
      });

      const [recorded] = emulator.notifications();
      assert.equal(recorded?.kind, 'mail');
      assert.deepEqual(
        (recorded?.body as { message: { toRecipients: unknown } }).message.toRecipients,
        [{ emailAddress: { address: 'dave@contoso.example' } }],
      );
    });
  });
});
