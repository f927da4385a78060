import { html, type HtmlValue, type SafeHtml } from './html';

/** Where the console lives in the API app. */
export const CONSOLE_PATH = '/console';

/** What every signed-in page needs besides its body. */
export interface PageFrame {
  title: string;
  /** The session's CSRF token, for the logout form (null on the login page: no session). */
  csrf: string | null;
  /** A confirmation of what the last action did, shown above the body. */
  notice?: string | undefined;
  /** Which navigation entry is the current page. */
  current?: 'health' | 'events' | 'customer' | undefined;
  /** Pages with a chart load uPlot. */
  charts?: boolean;
}

/** A link to a console page; `path` starts with `/`. */
export function consoleHref(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams(
    Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
  return `${CONSOLE_PATH}${path}${params === '' ? '' : `?${params}`}`;
}

/** A customer's page; the source id is URL-encoded like the API's (`KMN%40123`). */
export function customerHref(sourceId: string, query: Record<string, string | undefined> = {}): string {
  return consoleHref(`/customers/${encodeURIComponent(sourceId)}`, query);
}

/** A hidden form field with the CSRF token: every form that changes something has one. */
export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${csrf}" />`;
}

function navLink(href: string, label: string, current: boolean): SafeHtml {
  return html`<li><a href="${href}" ${current ? html` aria-current="page"` : ''}>${label}</a></li>`;
}

/** The whole document: Pico's stylesheet (served from its npm package), navigation, search, logout. */
export function page(frame: PageFrame, body: HtmlValue): SafeHtml {
  const nav =
    frame.csrf === null
      ? ''
      : html`<nav>
          <ul>
            <li><strong>Rehook Mirror</strong></li>
            ${navLink(consoleHref('/health'), 'Health', frame.current === 'health')}
            ${navLink(consoleHref('/events'), 'Events', frame.current === 'events')}
          </ul>
          <ul>
            <li>
              <form role="search" method="get" action="${consoleHref('/search')}">
                <input
                  type="search"
                  name="q"
                  required
                  placeholder="Source id or Rehook id (cust_...)"
                  aria-label="Find a customer by source id or Rehook id"
                />
                <button type="submit">Find</button>
              </form>
            </li>
            <li>
              <form method="post" action="${consoleHref('/logout')}">
                ${csrfField(frame.csrf)}
                <button type="submit" class="secondary">Log out</button>
              </form>
            </li>
          </ul>
        </nav>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>${frame.title} · Rehook Mirror console</title>
        <link rel="stylesheet" href="${consoleHref('/assets/pico.min.css')}" />
        ${
          frame.charts === true
            ? html`<link rel="stylesheet" href="${consoleHref('/assets/uPlot.min.css')}" />
                <script src="${consoleHref('/assets/uPlot.iife.min.js')}" defer></script>
                <script src="${consoleHref('/assets/charts.js')}" defer></script>`
            : ''
        }
        <link rel="stylesheet" href="${consoleHref('/assets/console.css')}" />
      </head>
      <body>
        <header class="container">${nav}</header>
        <main class="container">
          ${frame.notice === undefined ? '' : html`<p role="status" class="notice">${frame.notice}</p>`}
          ${body}
        </main>
      </body>
    </html>`;
}
