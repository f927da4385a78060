export { parseEnvOrExit, runMain, shutdownOnSignals } from './process-lifecycle';
export { answerClientErrorsWithProblems } from './client-error-problems';
