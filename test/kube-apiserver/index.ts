/**
 * A stand-in Kubernetes API server for tests and the demo (see README.md for what it does
 * and does not cover).
 */
export { createCrdSchemaValidator } from './crd-schema.ts';
export type { AdmissionResult, CrdSchemaValidator, FieldValidation } from './crd-schema.ts';
export { startStandInApiServer } from './server.ts';
export type { FaultRule, StandInApiServer, StandInOptions, StandInStats } from './server.ts';
export { applyMergePatch } from './merge-patch.ts';
