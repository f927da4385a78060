// The README's Docker path as commands: the smoke test runs exactly these, so the README cannot
// drift from what CI proves. A block is a ```sh fence preceded by `<!-- smoke: NAME -->`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The blocks the smoke test runs, in the order it runs them. */
export const SMOKE_BLOCKS = [
  'up',
  'webhook',
  'read',
  'test-ping',
  'simulate',
  'scale',
  'restart',
  'remove',
] as const;
export type SmokeBlock = (typeof SMOKE_BLOCKS)[number];

/**
 * The shell commands of each `smoke:` block of a README: one per logical line (backslash
 * continuations joined), comment-only lines left out. Comments after a command stay (bash skips
 * them).
 */
export function readmeCommands(readme: string): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  for (const match of readme.matchAll(/<!-- smoke: ([\w-]+) -->\s*```sh\n([\s\S]*?)```/g)) {
    const [, name, body] = match as unknown as [string, string, string];
    if (blocks.has(name)) throw new Error(`README.md has two smoke: ${name} blocks`);
    const commands = body
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
    blocks.set(name, commands);
  }
  return blocks;
}

/** The README's smoke blocks, each required to be there. */
export function readSmokeCommands(root: string): Record<SmokeBlock, string[]> {
  const blocks = readmeCommands(readFileSync(join(root, 'README.md'), 'utf8'));
  const missing = SMOKE_BLOCKS.filter((name) => (blocks.get(name) ?? []).length === 0);
  if (missing.length > 0) throw new Error(`README.md lacks the smoke blocks ${missing.join(', ')}`);
  return Object.fromEntries(SMOKE_BLOCKS.map((name) => [name, blocks.get(name)!])) as Record<
    SmokeBlock,
    string[]
  >;
}
