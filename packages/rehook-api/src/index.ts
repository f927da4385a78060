export { RehookApiClient, type RehookApiOptions } from './client';
export { RehookApiError, RehookAuthError } from './errors';
export {
  type RehookCustomer,
  type RehookTransaction,
  type RehookWallet,
  UnexpectedResponseError,
} from './responses';
export { Limiter } from './limiter';
export { parseRetryAfter, retryDelayMs } from './retry-delay';
