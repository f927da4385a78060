export { runVerify, type VerifyOptions, type VerifyRunResult } from './run-verify';
export { type Difference, formatDifference, NO_ROW, WHOLE_ROW } from './difference';
export {
  RECORDED_DIFFERENCES,
  verifyState,
  type VerifyMode,
  type VerifyRunStatus,
  type VerifyRunSummary,
  type VerifyState,
} from './run-store';
