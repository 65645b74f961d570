import type { Tx } from '@vtc/db';

/**
 * Delivery of notifications through a channel. The in-app channel writes Notification rows in the
 * caller's transaction (so a rolled-back batch sends nothing) and is idempotent by `dedupKey`: a second
 * send of the same message is a no-op. SMS and e-mail are adapters to be written when a gateway is
 * chosen; until then `LoggingNotificationSender` records what would have been sent (no personal data:
 * user ids, kinds and keys only).
 */
export type NotificationChannel = 'IN_APP' | 'SMS' | 'EMAIL';

export interface OutgoingNotification {
  userId: string;
  kind: string;
  title: string;
  body: string;
  /** Unique per message: a re-run that sends the same key again creates nothing. */
  dedupKey: string;
}

export interface NotificationSender {
  readonly channel: NotificationChannel;
  /** Send (or record) the messages; returns how many were new. */
  send(tx: Tx, messages: readonly OutgoingNotification[]): Promise<number>;
}

/** Writes Notification rows (channel IN_APP, delivered when written); duplicates by dedupKey are skipped. */
export class InAppNotificationSender implements NotificationSender {
  readonly channel = 'IN_APP' as const;

  async send(tx: Tx, messages: readonly OutgoingNotification[]): Promise<number> {
    if (messages.length === 0) return 0;
    const now = new Date();
    const { count } = await tx.notification.createMany({
      data: messages.map((m) => ({ userId: m.userId, kind: m.kind, title: m.title, body: m.body, dedupKey: m.dedupKey, channel: 'IN_APP', deliveredAt: now })),
      skipDuplicates: true,
    });
    return count;
  }
}

/** SMS gateway adapter: interface only for now. */
export interface SmsNotificationSender extends NotificationSender {
  readonly channel: 'SMS';
}

/** E-mail adapter: interface only for now. */
export interface EmailNotificationSender extends NotificationSender {
  readonly channel: 'EMAIL';
}

export interface SenderLog {
  info(obj: object, msg: string): void;
}

/** Stands in for an SMS or e-mail gateway: logs what it would send (ids and keys only) and writes nothing. */
export class LoggingNotificationSender implements NotificationSender {
  constructor(
    readonly channel: 'SMS' | 'EMAIL',
    private readonly log: SenderLog,
  ) {}

  async send(_tx: Tx, messages: readonly OutgoingNotification[]): Promise<number> {
    for (const m of messages) this.log.info({ channel: this.channel, userId: m.userId, kind: m.kind, dedupKey: m.dedupKey }, 'notification not sent: no gateway configured');
    return 0;
  }
}
