export * from './bodies';
export { GO_ZERO_TIME, rehookTime } from './rehook-time';
