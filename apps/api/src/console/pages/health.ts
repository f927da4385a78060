import type { EventsPerMinute } from '../../schemas/stats';
import type { Health } from '../data/health';
import { HEALTH_WINDOW_MINUTES } from '../data/health';
import { duration, orDash, when } from '../format';
import { html, jsonScript, type SafeHtml } from '../html';
import { consoleHref, page } from '../layout';
import { failedJobsSection } from './failed-jobs';

/** The chart's data: one series per event name, a point per minute of the window (zeros included). */
export function perMinuteSeries(perMinute: EventsPerMinute, now: Date, minutes: number) {
  const end = Math.floor(now.getTime() / 60_000) * 60;
  const x = Array.from({ length: minutes }, (_, i) => end - (minutes - 1 - i) * 60);
  const names = [...new Set(perMinute.counts.map((c) => c.name ?? '(unrecognized)'))].sort();
  const index = new Map(x.map((t, i) => [t, i]));
  const series = names.map((label) => ({ label, values: x.map(() => 0) }));
  for (const c of perMinute.counts) {
    const i = index.get(Date.parse(c.minute) / 1000);
    const s = series[names.indexOf(c.name ?? '(unrecognized)')];
    if (i !== undefined && s !== undefined) s.values[i] = c.count;
  }
  return { x, series, stepped: false };
}

/** Health at a glance: the queue, failures, throughput by name, last webhooks, last checks. */
export function healthPage(
  data: Health,
  now: Date,
  frame: { csrf: string; notice?: string | undefined },
): SafeHtml {
  const { stats } = data;
  const queue = stats.queue;
  const lastByName = new Map<string, string>();
  for (const row of stats.events.byNameAndStatus) {
    const name = row.name ?? '(unrecognized)';
    const seen = lastByName.get(name);
    if (seen === undefined || row.lastReceivedAt > seen) lastByName.set(name, row.lastReceivedAt);
  }
  const total = data.perMinute.counts.reduce((sum, c) => sum + c.count, 0);
  return page(
    { title: 'Health', csrf: frame.csrf, notice: frame.notice, current: 'health', charts: true },
    html`<h1>Health</h1>
      <section aria-labelledby="queue">
        <h2 id="queue">Queue</h2>
        ${
          queue === null
            ? html`<p class="error">The queue could not be read: ${orDash(stats.queueError)}</p>`
            : html`<div class="figures">
                <article>
                  <small>Waiting</small><strong data-figure="waiting">${queue.counts.waiting}</strong>
                </article>
                <article>
                  <small>Active</small><strong data-figure="active">${queue.counts.active}</strong>
                </article>
                <article>
                  <small>Delayed</small><strong data-figure="delayed">${queue.counts.delayed}</strong>
                </article>
                <article>
                  <small>Failed</small><strong data-figure="failed">${queue.counts.failed}</strong>
                </article>
                <article>
                  <small>Oldest waiting job</small
                  ><strong data-figure="oldest-waiting"
                    >${duration(stats.projectionLag.oldestWaitingJobAgeMs)}</strong
                  >
                </article>
                <article>
                  <small>Newest event received</small
                  ><strong data-figure="newest-event"
                    >${duration(stats.projectionLag.newestEventAgeMs)}</strong
                  >
                  ago
                </article>
              </div>`
        }
      </section>

      <section aria-labelledby="throughput">
        <h2 id="throughput">Events per minute</h2>
        <figure>
          <div
            class="chart"
            data-chart="per-minute-data"
            role="img"
            aria-label="Stored events per minute by name, last ${HEALTH_WINDOW_MINUTES} minutes"
          ></div>
          <figcaption>
            ${total} events received in the last ${HEALTH_WINDOW_MINUTES} minutes, by
            name${data.perMinute.truncated ? ' (only the newest 100,000 are counted)' : ''}.
          </figcaption>
        </figure>
        ${jsonScript('per-minute-data', perMinuteSeries(data.perMinute, now, HEALTH_WINDOW_MINUTES))}
      </section>

      <section aria-labelledby="last-webhooks">
        <h2 id="last-webhooks">Last webhook per event name</h2>
        ${
          lastByName.size === 0
            ? html`<p>No events stored yet.</p>`
            : html`<table class="striped" id="last-by-name">
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Last received</th>
                    <th scope="col">Stored</th>
                  </tr>
                </thead>
                <tbody>
                  ${[...lastByName.entries()].map(([name, at]) => {
                    const count = stats.events.byNameAndStatus
                      .filter((r) => (r.name ?? '(unrecognized)') === name)
                      .reduce((sum, r) => sum + r.count, 0);
                    return html`<tr>
                      <td>
                        <a
                          href="${consoleHref('/events', name === '(unrecognized)' ? { status: 'unrecognized' } : { name })}"
                          >${name}</a
                        >
                      </td>
                      <td>${when(at)}</td>
                      <td>${count}</td>
                    </tr>`;
                  })}
                </tbody>
              </table>`
        }
        <p>
          Quarantined:
          <a href="${consoleHref('/events', { status: 'unrecognized' })}"
            >${stats.events.byStatus.unrecognized} unrecognized</a
          >,
          <a href="${consoleHref('/events', { status: 'invalid' })}"
            >${stats.events.byStatus.invalid} invalid</a
          >.
        </p>
      </section>

      ${failedJobsSection(queue, frame.csrf)}

      <section aria-labelledby="checks">
        <h2 id="checks">Checks</h2>
        <table id="check-runs">
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Last run</th>
              <th scope="col">Outcome</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            ${data.checks.map(
              (c) =>
                html`<tr>
                  <th scope="row">${c.title}</th>
                  ${
                    c.run === undefined
                      ? html`<td colspan="3">Not available in this version of the mirror.</td>`
                      : c.run === null
                        ? html`<td colspan="3">
                            ${c.error === undefined ? 'Never run.' : html`<span class="error">Could not be read: ${c.error}</span>`}
                          </td>`
                        : html`<td>${when(c.run.startedAt)}</td>
                            <td>${c.run.outcome}</td>
                            <td>${c.run.summary}</td>`
                  }
                </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <p><small>As of ${when(stats.generatedAt)}.</small></p>`,
  );
}
