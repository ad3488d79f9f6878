export { createLogger, withCorrelationId, currentCorrelationId, newCorrelationId } from './logger.ts';
export type { Logger, LoggerOptions } from './logger.ts';
