import { html, type SafeHtml } from './html';

/** An ISO timestamp as people read it on the page: `2026-12-05 06:00:01 UTC`. */
export function when(iso: string | null | undefined): SafeHtml | string {
  if (iso === null || iso === undefined) return '—';
  const readable = iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return html`<time datetime="${iso}">${readable}</time>`;
}

/** Points and money: grouped digits, up to four decimals as the read models keep them. */
export function points(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** A value that may be absent. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

/** A duration in milliseconds, to the unit that reads best. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
