import { parseRedisInfo, redisPolicyWarnings } from './redis-policy-check';

const info = (policy: string, aof: string) =>
  `# Memory\r\nused_memory:1000\r\nmaxmemory_policy:${policy}\r\n\r\n# Persistence\r\naof_enabled:${aof}\r\n`;

describe('parseRedisInfo', () => {
  it('reads key:value lines and skips section headers', () => {
    const fields = parseRedisInfo(info('noeviction', '1'));
    expect(fields.get('maxmemory_policy')).toBe('noeviction');
    expect(fields.get('aof_enabled')).toBe('1');
    expect([...fields.keys()]).toEqual(['used_memory', 'maxmemory_policy', 'aof_enabled']);
  });
});

describe('redisPolicyWarnings', () => {
  it('is silent for noeviction with the append-only file on', () => {
    expect(redisPolicyWarnings(parseRedisInfo(info('noeviction', '1')))).toEqual([]);
  });

  it.each(['allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-ttl'])('warns about %s', (policy) => {
    const warnings = redisPolicyWarnings(parseRedisInfo(info(policy, '1')));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`"${policy}", not "noeviction"`);
  });

  it('warns when the append-only file is off', () => {
    expect(redisPolicyWarnings(parseRedisInfo(info('noeviction', '0')))).toEqual([
      expect.stringContaining('append-only file is off') as unknown,
    ]);
  });
});
