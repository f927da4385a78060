// The compose file and the Dockerfile, checked without a Docker engine: the Compose
// Specification's JSON schema, the structure the issues require, and the environment each
// service gets (parsed by the apps' own config schema). CI also runs `docker compose config -q`
// and the smoke test that starts the whole stack (.ci/run, test/compose/smoke.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MirrorEnv, parseEnv } from '@mirror/config';
import { readSmokeCommands } from '../compose/readme-commands';
import { composeSchemaErrors } from './support/compose-schema';

const root = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  container_name?: string;
  healthcheck?: {
    test?: string[];
    disable?: boolean;
    timeout?: string;
    start_period?: string;
    retries?: number;
  };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  init?: boolean;
  pull_policy?: string;
}

/** `${VAR:-default}` / `${VAR}` as compose resolves them in the environment `env`. */
function interpolate(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string')
    return value.replace(
      /\$\{(\w+)(?::?-([^}]*))?\}/g,
      (_m, name: string, fallback?: string) => env[name] || (fallback ?? ''),
    );
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
/** The compose file as compose reads it with the given variables set (none: the defaults). */
const composeWith = (env: Record<string, string> = {}) =>
  interpolate(parse(composeText, { merge: true }), env) as ComposeFile;
const compose = composeWith();
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no ${name} service`);
  return found;
};
const apps = ['ingest', 'worker', 'api'] as const;
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** A root script's command as compose runs it: the tsx binary of the image, not through pnpm. */
const composeCommandOf = (script: string) =>
  (scripts[script] ?? '')
    .split(' ')
    .map((word, i) => (i === 0 && word === 'tsx' ? 'node_modules/.bin/tsx' : word));

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema, with the default variables and with others', () => {
    expect(composeSchemaErrors(compose)).toEqual([]);
    const opened = composeWith({
      API_HOST_IP: '0.0.0.0',
      INGEST_HOST_IP: '192.168.1.10',
      POSTGRES_HOST_PORT: '25432',
    });
    expect(composeSchemaErrors(opened)).toEqual([]);
  });

  it('the schema check finds what compose itself would refuse', () => {
    const broken = structuredClone(compose) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    broken.services['api']!['ports'] = ['127.0.0.1:not-a-port:3001'];
    broken.services['worker']!['healthcheck'] = { test: ['CMD', 'true'], interval: 'ten seconds' };
    broken.services['redis']!['restart_policy'] = 'always';
    const errors = composeSchemaErrors(broken).join('\n');
    expect(errors).toMatch(/\/services\/api\/ports\/0 must match format "ports"/);
    expect(errors).toMatch(/\/services\/worker\/healthcheck\/interval must match format "duration"/);
    expect(errors).toMatch(/\/services\/redis must NOT have additional properties.*restart_policy/);
  });

  it('runs postgres, redis, a one-shot migration, ingest, worker and api', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'ingest', 'migrate', 'postgres', 'redis', 'worker']);
  });

  it('keeps Postgres and Redis data in named volumes', () => {
    expect(service('postgres').volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(service('redis').volumes).toContain('redisdata:/data');
    expect(Object.keys(compose.volumes).sort()).toEqual(['pgdata', 'redisdata']);
  });

  it('configures Redis to keep every acknowledged job: AOF fsynced before each answer, noeviction', () => {
    const command = service('redis').command?.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync always');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('checks Postgres over TCP, not the socket that its first, socket-only start answers on', () => {
    expect(service('postgres').healthcheck?.test?.join(' ')).toMatch(/pg_isready -h 127\.0\.0\.1 -p 5432 /);
  });

  it('gives the app health checks the slack of a loaded 2-core host', () => {
    for (const name of apps) {
      const check = service(name).healthcheck;
      expect({ name, timeout: check?.timeout, start_period: check?.start_period }).toEqual({
        name,
        timeout: '10s',
        start_period: '60s',
      });
      expect(check?.retries).toBeGreaterThanOrEqual(5);
    }
  });

  it('gives every long-running service a health check', () => {
    for (const name of ['postgres', 'redis', ...apps]) {
      const test = service(name).healthcheck?.test;
      expect({ name, test: Array.isArray(test) && test.length > 1 }).toEqual({ name, test: true });
    }
    expect(service('ingest').healthcheck?.test?.join(' ')).toContain('/readyz');
    expect(service('api').healthcheck?.test?.join(' ')).toContain('/readyz');
  });

  it('probes health with the Node script shipped in the image (slim images have no curl)', () => {
    for (const name of apps) {
      expect(service(name).healthcheck?.test?.slice(0, 3)).toEqual([
        'CMD',
        'node',
        'scripts/healthcheck.mjs',
      ]);
    }
  });

  it('starts each service only once what it needs is healthy or done', () => {
    expect(service('migrate').depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(service('ingest').depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    for (const name of ['worker', 'api']) {
      expect(service(name).depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('runs the migration once, waiting for Postgres first, and never restarts it', () => {
    expect(service('migrate').restart).toBe('no');
    expect(service('migrate').command).toEqual([...composeCommandOf('mirror'), 'migrate', '--wait']);
  });

  it('lets the worker scale out: no container name or host port on it, no fixed container names at all', () => {
    expect(service('worker').ports).toBeUndefined();
    for (const [name, s] of Object.entries(services))
      expect({ name, container_name: s.container_name }).toEqual({ name });
  });

  it('publishes every port on 127.0.0.1 only, away from a local Postgres and Redis', () => {
    expect(service('ingest').ports).toEqual(['127.0.0.1:3000:3000']);
    expect(service('api').ports).toEqual(['127.0.0.1:3001:3001']);
    expect(service('postgres').ports).toEqual(['127.0.0.1:15432:5432']);
    expect(service('redis').ports).toEqual(['127.0.0.1:16379:6379']);
  });

  it('opens the ingest and the API to other hosts, and moves the ports, only when asked', () => {
    const opened = composeWith({
      INGEST_HOST_IP: '0.0.0.0',
      API_HOST_IP: '0.0.0.0',
      INGEST_HOST_PORT: '8080',
      API_HOST_PORT: '8081',
    }).services;
    expect(opened['ingest']?.ports).toEqual(['0.0.0.0:8080:3000']);
    expect(opened['api']?.ports).toEqual(['0.0.0.0:8081:3001']);
  });

  it('starts every app with the command of its root script, run by tsx directly under an init', () => {
    expect(service('ingest').command).toEqual(composeCommandOf('start:ingest'));
    expect(service('worker').command).toEqual(composeCommandOf('start:worker'));
    expect(service('api').command).toEqual(composeCommandOf('start:api'));
    for (const name of [...apps, 'migrate']) {
      expect(service(name).command?.[0]).toBe('node_modules/.bin/tsx');
      expect(service(name).init).toBe(true);
    }
  });

  it('builds the one image once, in the migrate service, and every app service reuses it', () => {
    const building = Object.entries(services).filter(([, s]) => s.build !== undefined);
    expect(building.map(([name, s]) => [name, s.build])).toEqual([['migrate', '.']]);
    for (const name of [...apps, 'migrate']) {
      expect(service(name).image).toBe('rehook-mirror:local');
      expect(service(name).pull_policy).toBe('never');
    }
  });

  it('configures the apps only through variables the config schema knows, and the defaults parse', () => {
    const known = new Set(Object.keys(MirrorEnv.shape));
    for (const name of [...apps, 'migrate']) {
      const environment = service(name).environment ?? {};
      for (const key of Object.keys(environment))
        expect({ name, key, known: known.has(key) }).toEqual({ name, key, known: true });
      const required = name === 'api' ? (['API_TOKEN'] as const) : [];
      expect(() => parseEnv(environment, required)).not.toThrow();
    }
    expect(parseEnv(service('api').environment ?? {}, ['API_TOKEN']).API_PORT).toBe(3001);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => m[2]);

  it('has no `# syntax=` line, which makes BuildKit fetch a frontend image from Docker Hub', () => {
    expect(dockerfile).not.toMatch(/^#\s*syntax\s*=/im);
  });

  it('runs the ingest by default with tsx directly, as compose does', () => {
    const cmd = /^CMD (.*)$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(composeCommandOf('start:ingest'));
  });

  it('builds in stages and runs as a non-root user in production mode', () => {
    expect(stages).toEqual(expect.arrayContaining(['base', 'build', 'runtime']));
    const runtime = dockerfile.slice(dockerfile.search(/^FROM .* AS runtime/m));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/^HEALTHCHECK .*node.*scripts\/healthcheck\.mjs/ms);
  });

  it('installs exactly the lockfile with the pinned pnpm and generates the Prisma client at build time', () => {
    expect(dockerfile).toMatch(/packageManager/);
    expect(dockerfile).toMatch(/pnpm fetch --frozen-lockfile/);
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile --offline/);
    expect(dockerfile).toMatch(/pnpm generate/);
  });

  it('ships production dependencies only (the install test/ops/production-install tests)', () => {
    expect(stages).toContain('prod');
    expect(dockerfile).toMatch(/pnpm install --prod --frozen-lockfile --offline --ignore-scripts/);
    const runtime = dockerfile.slice(dockerfile.search(/^FROM .* AS runtime/m));
    expect(runtime).toMatch(/^COPY --from=prod /m);
  });

  it('leaves node_modules, generated code and git history out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.git', 'packages/db/src/generated']));
  });
});

describe('README.md', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('gives the smoke test (pnpm test:compose) every step of the Docker path, with the commands it checks', () => {
    const smoke = readSmokeCommands(root);
    expect(smoke.up).toEqual([expect.stringMatching(/^docker compose up -d --build --wait\b/)]);
    expect(smoke.scale).toEqual([
      expect.stringMatching(/^docker compose up -d --no-deps --no-recreate --wait --scale worker=3 worker\b/),
    ]);
    expect(smoke.simulate[0]).toMatch(/^docker compose exec ingest pnpm mirror simulate /);
    expect(smoke.restart[0]).toMatch(/^docker compose stop\b/);
    expect(smoke.remove).toEqual([expect.stringMatching(/^docker compose down -v\b/)]);
    for (const command of [...smoke.webhook, ...smoke.read, ...smoke['test-ping']]) {
      expect(command).toMatch(/127\.0\.0\.1:300[01]/);
    }
  });

  it('documents every environment variable the config schema reads', () => {
    const missing = Object.keys(MirrorEnv.shape).filter((key) => !readme.includes(`\`${key}\``));
    expect(missing).toEqual([]);
  });

  it('still opens with the two commands that run the system and the tests, and how to get the pinned pnpm', () => {
    const firstScreen = readme.split('\n').slice(0, 15).join('\n');
    const pnpm = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string })
      .packageManager;
    expect(firstScreen).toContain('docker compose up');
    expect(firstScreen).toContain('pnpm install && pnpm test');
    expect(firstScreen).toContain(`npm install -g ${pnpm}`);
  });
});
