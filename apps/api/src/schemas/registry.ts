import { z } from 'zod';

/**
 * The response schemas that get a name in the OpenAPI document (`components.schemas`).
 * Kept apart from zod's global registry so that other packages' schemas never leak in.
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

/** Registers `schema` under `id` and returns it, so a schema is declared and named in one go. */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiSchemas.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}
