import type { StoredEvent } from '../../schemas/events';
import { orDash, when } from '../format';
import { html, type SafeHtml } from '../html';
import { customerHref } from '../layout';

function nameCell(event: StoredEvent): SafeHtml {
  if (event.name === null) return html`<code>${orDash(event.rawName)}</code>`;
  return event.rawName !== null && event.rawName !== event.name
    ? html`${event.name} <small>(sent as <code>${event.rawName}</code>)</small>`
    : html`${event.name}`;
}

/**
 * Stored events as a table (the customer timeline and the events explorer): status and reason
 * of quarantined ones, and each raw body, when it was read, behind a disclosure.
 */
export function eventTable(events: readonly StoredEvent[], options: { customerColumn: boolean }): SafeHtml {
  if (events.length === 0) return html`<p>No events.</p>`;
  return html`<div class="overflow-auto">
    <table class="striped events">
      <thead>
        <tr>
          <th scope="col">Seq</th>
          <th scope="col">Received</th>
          <th scope="col">Event</th>
          ${options.customerColumn ? html`<th scope="col">Customer</th>` : ''}
          <th scope="col">Status</th>
          <th scope="col">Reason</th>
          <th scope="col">Origin</th>
        </tr>
      </thead>
      <tbody>
        ${events.map(
          (e) =>
            html`<tr data-seq="${e.seq}">
              <td>${e.seq}</td>
              <td>${when(e.receivedAt)}</td>
              <td>
                ${nameCell(e)}
                ${
                  e.rawBody === undefined
                    ? ''
                    : html`<details>
                        <summary>Raw body</summary>
                        <pre class="raw-body">${e.rawBody}</pre>
                      </details>`
                }
              </td>
              ${
                options.customerColumn
                  ? html`<td>
                      ${e.sourceId === '' ? '—' : html`<a href="${customerHref(e.sourceId)}">${e.sourceId}</a>`}
                    </td>`
                  : ''
              }
              <td>${e.status}</td>
              <td>${orDash(e.reason)}</td>
              <td>${e.origin}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
