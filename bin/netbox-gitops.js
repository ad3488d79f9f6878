#!/usr/bin/env node
// The package ships TypeScript sources and runs them through tsx, so `npx netbox-gitops`
// works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
