import type { TokenCredential } from '@azure/core-auth';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { GraphClientOptions } from './graphClient.js';
import { createGraphClient, userPath } from './graphClient.js';
import { toGraphUpstreamError } from './graphFailure.js';

/** A Teams activity feed notification, as `sendActivityNotification` takes it. */
export interface ActivityNotification {
  /** Text of the topic line, shown above the preview. */
  readonly topic: string;
  /** Deep link opened when the user selects the notification. */
  readonly webUrl: string;
  /** An activity type declared in the Teams app manifest. */
  readonly activityType: string;
  readonly previewText: string;
  /** Values for the placeholders of the activity type's template. */
  readonly templateParameters?: Readonly<Record<string, string>>;
}

/** A plain-text e-mail. */
export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

/** Alerts people through Microsoft Graph: Teams activity feed first, e-mail as fallback. */
export class GraphNotifier {
  private readonly client: Client;

  constructor(credential: TokenCredential, options: GraphClientOptions) {
    this.client = createGraphClient(credential, options);
  }

  /** Puts a notification in the user's Teams activity feed (the app must be installed for them). */
  async notifyActivity(userId: string, notification: ActivityNotification): Promise<void> {
    const body = {
      topic: { source: 'text', value: notification.topic, webUrl: notification.webUrl },
      activityType: notification.activityType,
      previewText: { content: notification.previewText },
      templateParameters: Object.entries(notification.templateParameters ?? {}).map(
        ([name, value]) => ({ name, value }),
      ),
    };
    await this.send(
      'send an activity notification',
      `${userPath(userId)}/teamwork/sendActivityNotification`,
      body,
    );
  }

  /** Sends an e-mail from the mailbox of `fromUserId`, not kept in its sent items. */
  async sendMail(fromUserId: string, mail: MailMessage): Promise<void> {
    const body = {
      message: {
        subject: mail.subject,
        body: { contentType: 'Text', content: mail.text },
        toRecipients: mail.to.map((address) => ({ emailAddress: { address } })),
      },
      saveToSentItems: false,
    };
    await this.send('send mail', `${userPath(fromUserId)}/sendMail`, body);
  }

  private async send(action: string, path: string, body: unknown): Promise<void> {
    try {
      await this.client.api(path).post(body);
    } catch (caught) {
      throw toGraphUpstreamError(action, caught);
    }
  }
}
