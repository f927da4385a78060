export { ConfigError, MirrorEnv, parseEnv } from './env';
