// The compose file and the Dockerfile, checked without a Docker engine: the structure the issue
// requires, the environment each service gets (parsed by the apps' own config schema), and
// `docker-compose config -q` when docker-compose is installed (.ci/run installs it).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MirrorEnv, parseEnv } from '@mirror/config';

const root = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  container_name?: string;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  init?: boolean;
}

/** `${VAR:-default}` / `${VAR}` as compose resolves them with an empty environment. */
function interpolate(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_m, _name, fallback?: string) => fallback ?? '');
  if (Array.isArray(value)) return value.map(interpolate);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  }
  return value;
}

const compose = interpolate(
  parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }),
) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
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

describe('docker-compose.yml', () => {
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

  it('runs the migration once and never restarts it', () => {
    expect(service('migrate').restart).toBe('no');
    expect(service('migrate').command).toEqual(['pnpm', 'mirror', 'migrate']);
  });

  it('lets the worker scale out: no container name or host port on it, no fixed container names at all', () => {
    expect(service('worker').ports).toBeUndefined();
    for (const [name, s] of Object.entries(services))
      expect({ name, container_name: s.container_name }).toEqual({ name });
  });

  it('publishes the ingest on 3000 and the API on 3001', () => {
    expect(service('ingest').ports).toEqual(['3000:3000']);
    expect(service('api').ports).toEqual(['3001:3001']);
  });

  it('starts every app with the root script that the tests and the README use, in one image, with an init', () => {
    expect(service('ingest').command).toEqual(['pnpm', 'start:ingest']);
    expect(service('worker').command).toEqual(['pnpm', 'start:worker']);
    expect(service('api').command).toEqual(['pnpm', 'start:api']);
    for (const name of [...apps, 'migrate']) {
      const s = service(name);
      expect(s.build).toBe('.');
      expect(s.image).toBe('rehook-mirror:local');
      expect(s.init).toBe(true);
      const script = s.command?.[1] ?? '';
      expect(scripts[script]).toBeDefined();
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

  it('is valid for docker compose itself (config -q)', () => {
    // Compose v1 (`docker-compose`, what .ci/run installs from Debian) or the v2 plugin.
    const compose = [['docker-compose'], ['docker', 'compose']].find(
      ([command, ...args]) => spawnSync(command!, [...args, 'version'], { stdio: 'ignore' }).status === 0,
    );
    if (compose === undefined) {
      throw new Error(
        'install docker-compose (Debian: apt-get install docker-compose) or the docker compose plugin',
      );
    }
    const [command, ...args] = compose;
    // Throws with compose's own message when the file is invalid.
    execFileSync(command!, [...args, '-f', join(root, 'docker-compose.yml'), 'config', '-q'], {
      cwd: root,
      stdio: 'pipe',
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => m[2]);

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

  it('documents every environment variable the config schema reads', () => {
    const missing = Object.keys(MirrorEnv.shape).filter((key) => !readme.includes(`\`${key}\``));
    expect(missing).toEqual([]);
  });

  it('still opens with the two commands that run the system and the tests', () => {
    const firstScreen = readme.split('\n').slice(0, 15).join('\n');
    expect(firstScreen).toContain('docker compose up');
    expect(firstScreen).toContain('pnpm install && pnpm test');
  });
});
