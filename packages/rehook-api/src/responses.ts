import { z } from 'zod';

/**
 * The one adapter between Rehook's REST API and the mirror: every response body is read here,
 * and nowhere else. `../shared/rehook/rest-api.md` says what is documented and what is guessed;
 * when Rehook's real answers turn out to differ from the guesses, this file changes and nothing
 * else does. Schemas are tolerant where the reference is unsure (wrappers, number types, extra
 * fields) and strict where matching depends on a field (ids, direction, points).
 */

/** A points figure: a JSON number, or a decimal in a string (rest-api.md, unknown 9). */
const points = z.union([
  z.number().finite(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number')
    .transform(Number),
]);

const id = z.string().min(1);

/** 3.5: one wallet of a customer. The balance field is unknown (unknown 8), so it is not read. */
const WalletSchema = z.looseObject({
  wallet_id: id,
  wallet_name: z.string().nullish(),
  currency: z.string().nullish(),
});

/** 3.6: one wallet transaction. `type` is the direction; ids and points are what we match on. */
const TransactionSchema = z.looseObject({
  transaction_id: id,
  type: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(['credit', 'debit'])),
  points,
  description: z.string().nullish(),
});

/** 3.1 / 3.4: `models.CustomerResponse`; only `id` and `source_id` are documented. */
const CustomerSchema = z.looseObject({
  id,
  source_id: z.string().nullish(),
});

/** `models.ErrorResponse` (documented on the coupon pages, assumed for the others). */
const ErrorSchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
});

/**
 * A list: a bare array (documented for 3.5 and 3.4, likely for 3.6), or an object wrapping the
 * array under one of the usual names (3.6's wrapper is cut off in the docs, unknown 5).
 */
function list<T extends z.ZodType>(item: T) {
  return z.union([
    z.array(item),
    z.looseObject({ data: z.array(item) }).transform((wrapper) => wrapper.data),
    z.looseObject({ transactions: z.array(item) }).transform((wrapper) => wrapper.transactions),
    z.looseObject({ items: z.array(item) }).transform((wrapper) => wrapper.items),
  ]);
}

export type RehookWallet = z.infer<typeof WalletSchema>;
export type RehookTransaction = z.infer<typeof TransactionSchema>;
export type RehookCustomer = z.infer<typeof CustomerSchema>;

/** A response that does not have the shape this adapter expects. */
export class UnexpectedResponseError extends Error {
  constructor(
    readonly what: string,
    readonly issues: string,
  ) {
    super(`unexpected response for ${what}: ${issues}`);
    this.name = 'UnexpectedResponseError';
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
  throw new UnexpectedResponseError(what, issues);
}

const walletList = list(WalletSchema);
const transactionList = list(TransactionSchema);
const customerList = list(CustomerSchema);

export const readWallets = (body: unknown): RehookWallet[] => parse(walletList, body, 'wallets');
export const readTransactions = (body: unknown): RehookTransaction[] =>
  parse(transactionList, body, 'wallet transactions');
export const readReferrals = (body: unknown): RehookCustomer[] => parse(customerList, body, 'referral list');

/** Whether a body is Rehook's `models.ErrorResponse`, i.e. an answer of the API, not of a router. */
export function isRehookError(body: unknown): boolean {
  return (
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    ErrorSchema.safeParse(body).success &&
    ('code' in body || 'message' in body)
  );
}
