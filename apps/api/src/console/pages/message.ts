import { html, type SafeHtml } from '../html';
import { consoleHref, page } from '../layout';

/** A page that only says something: not found, a bad filter, a refused form. */
export function messagePage(options: { title: string; detail: string; csrf: string | null }): SafeHtml {
  return page(
    { title: options.title, csrf: options.csrf },
    html`<h1>${options.title}</h1>
      <p>${options.detail}</p>
      <p><a href="${consoleHref('/health')}">Back to the console</a></p>`,
  );
}
