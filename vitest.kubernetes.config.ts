import { defineSuite } from './test/helpers/vitest-suite.ts';

// The Kubernetes suite: the Kubernetes intent source against a stand-in API server
// (test/kube-apiserver) by default, or against the cluster of KUBECONFIG (the suite applies the
// CRDs, needs rights to create namespaces, and deletes what it created). `npm test` runs the
// same files against the stand-in only.
export default defineSuite('kubernetes', {
  include: ['test/kubernetes/**/*.test.ts'],
  testTimeout: 180_000,
  hookTimeout: 180_000,
  // Against a shared real cluster, one file at a time.
  fileParallelism: !process.env.KUBECONFIG,
  provide: {
    kubeconfig: process.env.KUBECONFIG ?? '',
  },
});
