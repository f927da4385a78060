import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** Where the self time of a `.cpuprofile` (from `node --cpu-prof`) went. */
export interface ProfileSummary {
  totalMs: number;
  /** Self time by area: our packages, each dependency, node internals, GC, idle. */
  byArea: { area: string; ms: number; share: number }[];
  /** The functions with the most self time. */
  topFunctions: { name: string; ms: number; share: number }[];
}

function areaOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'program (native, not JS)';
  if (url === '') return 'native';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const ours = /\/(apps\/[^/]+|packages\/[^/]+|bench)\//.exec(url);
  return ours ? (ours[1] as string) : 'other';
}

/** Summarizes a profile by self time. */
export function summarizeCpuProfile(path: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const perSampleMs = (profile.endTime - profile.startTime) / 1000 / Math.max(profile.samples.length, 1);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const ms = count * perSampleMs;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const file = url
      .replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '')
      .replace(/^file:\/\/.*?\/(apps|packages)\//, '$1/');
    const name = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    totalMs,
    byArea: sorted(areas).map(([area, ms]) => ({ area, ms, share: ms / totalMs })),
    topFunctions: sorted(functions)
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: ms / totalMs })),
  };
}

/**
 * Prints where the newest main-thread profile in `dir` spent its time. Main thread only (thread
 * id 0 in the file name): tsx's module loader runs in a second thread that writes its own,
 * uninteresting profile.
 */
export function printNewestProfile(dir: string, what: string): void {
  const newest = readdirSync(dir)
    .filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))
    .sort()
    .at(-1);
  if (newest === undefined) return;
  const summary = summarizeCpuProfile(join(dir, newest));
  console.log(`\nCPU profile of ${what} (last round, ${join(dir, newest)}), self time:`);
  for (const { area, share } of summary.byArea.slice(0, 14)) {
    console.log(`  ${(share * 100).toFixed(1).padStart(5)}%  ${area}`);
  }
  console.log('top functions:');
  for (const { name, share } of summary.topFunctions)
    console.log(`  ${(share * 100).toFixed(1).padStart(5)}%  ${name}`);
}
