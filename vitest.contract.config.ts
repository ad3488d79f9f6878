import { defineSuite } from './test/helpers/vitest-suite.ts';

// The contract suite: NetBox API behaviour checks that run against an in-process NetBox
// emulator by default, or against any NetBox given by NETBOX_URL + NETBOX_TOKEN (optionally
// NETBOX_READONLY_TOKEN for the read-only checks). NETBOX_EMULATOR_VERSION (4.5, 4.1, 4.0, 3.7)
// picks the version the in-process emulator imitates. Tests read these through inject().
export default defineSuite('contract', {
  include: ['test/contract/**/*.test.ts'],
  testTimeout: 120_000,
  hookTimeout: 180_000,
  // Against a shared real NetBox, files run one after another so list counts stay stable.
  fileParallelism: !process.env.NETBOX_URL,
  provide: {
    netboxUrl: process.env.NETBOX_URL ?? '',
    netboxToken: process.env.NETBOX_TOKEN ?? '',
    netboxReadOnlyToken: process.env.NETBOX_READONLY_TOKEN ?? '',
    emulatorVersion: process.env.NETBOX_EMULATOR_VERSION ?? '4.5',
  },
});
