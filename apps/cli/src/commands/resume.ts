import type { Command } from 'commander';
import { parseEnv } from '@mirror/config';
import type { WebhookBullQueue } from '@mirror/queue';
import { withQueue } from './stats';

/**
 * Resumes the webhook queue if it is paused (by hand with BullMQ's tools or the dashboard, or
 * by a rebuild of an older version that was interrupted): workers take jobs again.
 *
 * @returns whether the queue was paused.
 */
export async function resumeQueue(queue: WebhookBullQueue): Promise<boolean> {
  const wasPaused = await queue.isPaused();
  if (wasPaused) await queue.resume();
  return wasPaused;
}

export function registerResume(program: Command): void {
  program
    .command('resume')
    .description(
      'Resume the webhook queue when it is paused (`pnpm mirror stats` says so): workers take jobs ' +
        'again. A rebuild never pauses it; this is for a queue paused by hand. Does nothing otherwise.',
    )
    .action(async () => {
      const env = parseEnv(process.env);
      const wasPaused = await withQueue(env, ({ queue }) => resumeQueue(queue.queue));
      console.log(wasPaused ? 'queue resumed: workers take jobs again' : 'the queue was not paused');
    });
}
