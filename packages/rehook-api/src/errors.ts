/** A request to Rehook's API that finally failed (after any retries). */
export class RehookApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or undefined when no answer came (timeout, connection refused). */
    readonly status: number | undefined,
    /** The path requested, without host or credentials. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'RehookApiError';
  }
}

/** Rehook refused the credentials (401/403): retrying cannot help, and the run should stop. */
export class RehookAuthError extends RehookApiError {
  constructor(status: number, path: string) {
    super(
      `Rehook refused the API credentials (HTTP ${status}); check REHOOK_API_KEY and REHOOK_API_SECRET`,
      status,
      path,
    );
    this.name = 'RehookAuthError';
  }
}
