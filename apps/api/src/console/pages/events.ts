import type { Page } from '../../pagination/page';
import type { StoredEvent } from '../../schemas/events';
import type { QueueStats } from '../../schemas/stats';
import { html, type SafeHtml } from '../html';
import { consoleHref, page } from '../layout';
import { eventTable } from './event-rows';
import { failedJobsSection } from './failed-jobs';

/** The explorer's filters as the form holds them (times as `datetime-local` values, UTC). */
export interface EventFilters {
  status?: string | undefined;
  name?: string | undefined;
  sourceId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  bodies: boolean;
}

function filterQuery(f: EventFilters): Record<string, string | undefined> {
  return {
    status: f.status,
    name: f.name,
    sourceId: f.sourceId,
    from: f.from,
    to: f.to,
    bodies: f.bodies ? '1' : undefined,
  };
}

/** The events explorer: the global feed filtered, quarantined events with reasons, failed jobs. */
export function eventsPage(
  data: { events: Page<StoredEvent>; queue: QueueStats | null; cursor: string | undefined },
  filters: EventFilters,
  frame: { csrf: string; notice?: string | undefined },
): SafeHtml {
  const status = (value: string, label: string) =>
    html`<option value="${value}" ${filters.status === value ? html` selected` : ''}>${label}</option>`;
  return page(
    { title: 'Events', csrf: frame.csrf, notice: frame.notice, current: 'events' },
    html`<h1>Events</h1>
      <form method="get" action="${consoleHref('/events')}" id="event-filters">
        <div class="grid">
          <label
            >Status
            <select name="status">
              ${status('', 'Any')} ${status('projected', 'Projected')}
              ${status('unrecognized', 'Unrecognized (quarantined)')}
              ${status('invalid', 'Invalid (quarantined)')}
            </select>
          </label>
          <label
            >Event name <input name="name" value="${filters.name ?? ''}" placeholder="wallet.credited"
          /></label>
          <label>Customer (source id) <input name="sourceId" value="${filters.sourceId ?? ''}" /></label>
        </div>
        <div class="grid">
          <label
            >Received from (UTC)
            <input type="datetime-local" step="1" name="from" value="${filters.from ?? ''}"
          /></label>
          <label
            >Received before (UTC)
            <input type="datetime-local" step="1" name="to" value="${filters.to ?? ''}"
          /></label>
          <label
            ><input type="checkbox" name="bodies" value="1" ${filters.bodies ? html` checked` : ''} /> Show
            raw bodies</label
          >
        </div>
        <button type="submit">Filter</button>
        <a href="${consoleHref('/events')}">Clear</a>
      </form>
      <p>
        Quarantined events (<em>unrecognized</em>, <em>invalid</em>) are stored with their reason and read
        again by <code>pnpm mirror rebuild</code> once the mirror understands them.
      </p>
      ${eventTable(data.events.items, { customerColumn: true })}
      <p class="pager">
        ${data.cursor === undefined ? '' : html`<a href="${consoleHref('/events', filterQuery(filters))}">First page</a>`}
        ${
          data.events.nextCursor === null
            ? ''
            : html`<a
                href="${consoleHref('/events', { ...filterQuery(filters), cursor: data.events.nextCursor })}"
                >Next page</a
              >`
        }
      </p>
      ${failedJobsSection(data.queue, frame.csrf)}`,
  );
}
