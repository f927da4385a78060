export { parseEnvOrExit, runMain, shutdownOnSignals } from './process-lifecycle';
