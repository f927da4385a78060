import { html, type SafeHtml } from '../html';
import { consoleHref, page } from '../layout';

/** The login page: one password field for the API token. */
export function loginPage(options: { next: string | undefined; error?: string | undefined }): SafeHtml {
  return page(
    { title: 'Log in', csrf: null },
    html`<article style="max-width: 32rem; margin: 4rem auto">
      <h1>Rehook Mirror console</h1>
      <form method="post" action="${consoleHref('/login')}">
        ${options.next === undefined ? '' : html`<input type="hidden" name="next" value="${options.next}" />`}
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          required
          autofocus
          autocomplete="current-password"
          ${options.error === undefined ? '' : html`aria-invalid="true" aria-describedby="login-error"`}
        />
        ${options.error === undefined ? '' : html`<small id="login-error" class="error">${options.error}</small>`}
        <button type="submit">Log in</button>
      </form>
      <small>The token is the API's <code>API_TOKEN</code>. The session lasts 8 hours.</small>
    </article>`,
  );
}
