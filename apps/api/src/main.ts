import { loadConfig } from '@vtc/config';
import { createLogger } from './logger.ts';
import { createApp } from './server.ts';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, 'api');
const app = await createApp({ config, logger });
const url = await app.listen();
logger.info({ url: `${url}/graphql` }, 'api ready');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    app
      .stop()
      .then(() => {
        logger.info('api stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  });
}
