/**
 * True for this machine's own addresses: 127.0.0.0/8, ::1 and localhost. The simulator is a
 * load source; it targets only these unless told otherwise (`--allow-remote`).
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
