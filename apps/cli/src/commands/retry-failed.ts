import type { Command } from 'commander';
import { parseEnv } from '@mirror/config';
import { createRedisConnection, createWebhookQueue, retryFailedJobs } from '@mirror/queue';

export function registerRetryFailed(program: Command): void {
  program
    .command('retry-failed')
    .description(
      'Requeue every webhook job in the failed set (retries exhausted), with its attempts reset. ' +
        'Processing is idempotent, so a job that had in fact been stored changes nothing.',
    )
    .action(async () => {
      const env = parseEnv(process.env);
      const redis = createRedisConnection(env.REDIS_URL, { role: 'producer', connectionName: 'mirror-cli' });
      const { queue } = createWebhookQueue(redis, { prefix: env.QUEUE_PREFIX });
      try {
        const report = await retryFailedJobs(queue);
        console.log(
          report.retried === 0 && report.skipped === 0
            ? 'no failed jobs'
            : `requeued ${report.retried} failed job(s)` +
                (report.skipped > 0 ? `; ${report.skipped} had left the failed set meanwhile` : ''),
        );
      } finally {
        await queue.close();
        await redis.quit();
      }
    });
}
