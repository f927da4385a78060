import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { OpenApiDocument } from '../../apps/api/src/openapi/document';

interface Operation {
  parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
  responses: Record<
    string,
    {
      headers?: Record<string, { required?: boolean }>;
      content?: Record<string, { schema?: { $ref?: string } }>;
    }
  >;
}

/** An operation of the document, found by its id: its path template, method and responses. */
export interface FoundOperation {
  path: string;
  method: 'get' | 'post';
  operation: Operation;
}

/**
 * Validates answers against the OpenAPI document as served (`/openapi.json`), with a JSON
 * Schema 2020-12 validator independent of zod: the check that the document describes what the
 * API really sends, not just that zod agrees with itself.
 */
export class OpenApiValidator {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    // Formats are left to the patterns zod writes next to them (ajv-formats is not installed).
    this.ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    this.ajv.addSchema({ $id: 'openapi.json', components: document.components });
  }

  /** Every operation, for tests that go through all of them. */
  operations(): (FoundOperation & { operationId: string; security: unknown })[] {
    return Object.entries(this.document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        path,
        method: method as 'get' | 'post',
        operation: op as Operation,
        operationId: (op as { operationId: string }).operationId,
        security: (op as { security?: unknown }).security,
      })),
    );
  }

  find(operationId: string): FoundOperation {
    const found = this.operations().find((op) => op.operationId === operationId);
    if (found === undefined) throw new Error(`no operation ${operationId} in the OpenAPI document`);
    return found;
  }

  /** The validator of a schema of the document (`#/components/schemas/X`); throws if it cannot compile. */
  compile(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (validate === undefined) {
      validate = this.ajv.getSchema(`openapi.json${ref}`);
      if (validate === undefined) throw new Error(`cannot resolve ${ref}`);
      this.validators.set(ref, validate);
    }
    return validate;
  }

  /**
   * Whether the document's schema of a parameter (path or query) accepts `value`: what a client
   * that validates requests against the document would conclude.
   * @throws Error when the operation has no such parameter.
   */
  parameterAccepts(operationId: string, name: string, value: string): boolean {
    const { operation } = this.find(operationId);
    const parameter = operation.parameters?.find((p) => p.name === name && p.in !== 'header');
    if (parameter === undefined) throw new Error(`${operationId} documents no parameter ${name}`);
    const key = `${operationId} ${name}`;
    let validate = this.validators.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(parameter.schema);
      this.validators.set(key, validate);
    }
    return validate(value);
  }

  /**
   * Checks that `status` is documented for the operation, with this content type, that the
   * body matches the documented schema, and (given the headers) that every header the document
   * says the answer carries is there. Only statuses listed one by one count: an answer that
   * only `default` covers is a failure here, so that a test notices any status nobody meant.
   * @throws Error describing the mismatch.
   */
  check(
    operationId: string,
    status: number,
    contentType: string | null,
    body: unknown,
    headers?: Headers,
  ): void {
    const { operation } = this.find(operationId);
    const response = operation.responses[String(status)];
    if (response === undefined) {
      throw new Error(
        `${operationId} answered ${status}, which its OpenAPI document does not list: ${JSON.stringify(body)}`,
      );
    }
    const mediaType = (contentType ?? '').split(';')[0]?.trim() ?? '';
    const media = response.content?.[mediaType];
    const ref = media?.schema?.$ref;
    if (ref === undefined)
      throw new Error(`${operationId} ${status}: undocumented content type ${mediaType}`);
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      if (headers !== undefined && header.required === true && headers.get(name) === null)
        throw new Error(`${operationId} ${status}: the documented header ${name} is missing`);
    }
    const validate = this.compile(ref);
    if (!validate(body)) {
      throw new Error(
        `${operationId} ${status} does not match ${ref}: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
      );
    }
  }
}
