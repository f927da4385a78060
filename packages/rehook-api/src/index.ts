export { RehookApiClient, type RehookApiOptions } from './client';
export { RehookApiError, RehookAuthError } from './errors';
export {
  type RehookCustomer,
  type RehookTransaction,
  type RehookWallet,
  UnexpectedResponseError,
} from './responses';
export { parseRetryAfter, retryDelayMs } from './retry-delay';
