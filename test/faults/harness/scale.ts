/** `FAULTS_SCALE`: `ci` keeps the whole suite within a few minutes on two cores; `full` is the long run. */
export type FaultScale = 'ci' | 'full';

/** Sizes of the scenarios, so every load loop is bounded in count and in time. */
export interface FaultSizes {
  scale: FaultScale;
  /** Deliveries started per second under load. */
  rate: number;
  /** Seconds of load in the kill/restart scenarios. */
  loadS: number;
  /** Distinct bodies, and concurrent copies of each, in the duplicate scenario. */
  duplicateBodies: number;
  duplicateCopies: number;
  /** The soak: its steady rate and length (`FAULTS_SOAK_S` overrides the length). */
  soakRate: number;
  soakS: number;
}

const SIZES: Record<FaultScale, Omit<FaultSizes, 'scale'>> = {
  ci: { rate: 80, loadS: 15, duplicateBodies: 40, duplicateCopies: 20, soakRate: 40, soakS: 60 },
  full: { rate: 200, loadS: 60, duplicateBodies: 200, duplicateCopies: 50, soakRate: 100, soakS: 300 },
};

/** Reads `FAULTS_SCALE` (default `ci`) and `FAULTS_SOAK_S`. */
export function faultSizes(env: NodeJS.ProcessEnv = process.env): FaultSizes {
  const scale = env['FAULTS_SCALE'] === 'full' ? 'full' : 'ci';
  const soakOverride = Number(env['FAULTS_SOAK_S']);
  const sizes = { scale, ...SIZES[scale] } satisfies FaultSizes;
  return Number.isFinite(soakOverride) && soakOverride > 0 ? { ...sizes, soakS: soakOverride } : sizes;
}
