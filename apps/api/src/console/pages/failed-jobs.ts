import type { QueueStats } from '../../schemas/stats';
import { orDash, when } from '../format';
import { html, type SafeHtml } from '../html';
import { consoleHref, csrfField } from '../layout';

/** The failed set: the newest failed jobs and the button that requeues all of them. */
export function failedJobsSection(queue: QueueStats | null, csrf: string): SafeHtml {
  if (queue === null) return html``;
  return html`<section aria-labelledby="failed-jobs">
    <h2 id="failed-jobs">Failed jobs</h2>
    ${
      queue.counts.failed === 0
        ? html`<p>None: no job has exhausted its retries.</p>`
        : html`<p>
              ${queue.counts.failed} job(s) exhausted their retries. Fix what made them fail (the reason is
              below), then requeue them; processing is idempotent.
            </p>
            <form method="post" action="${consoleHref('/jobs/retry-failed')}">
              ${csrfField(csrf)}
              <button type="submit">Retry all failed jobs</button>
            </form>
            <table class="striped" id="failed-jobs-table">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                ${queue.recentFailedJobs.map(
                  (j) =>
                    html`<tr>
                      <td><code>${j.jobId}</code></td>
                      <td>${when(j.failedAt)}</td>
                      <td>${j.attemptsMade}</td>
                      <td>${orDash(j.failedReason)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
  </section>`;
}
