import { deliverWelcomeNotification } from '@vtc/core';
import { defineHandler, WELCOME_NOTIFICATION_JOB } from '@vtc/jobs';

export const welcomeNotificationHandler = defineHandler(WELCOME_NOTIFICATION_JOB, async (payload, { prisma }) => {
  const result = await deliverWelcomeNotification(prisma, {
    userId: payload.userId,
    eventId: BigInt(payload.eventId),
  });
  return { status: result.status };
});
