import { defineConfig } from 'vitest/config';

// The Kubernetes suite: the Kubernetes intent source against a stand-in API server
// (test/kube-apiserver) by default, or against the cluster of KUBECONFIG (the suite applies the
// CRDs, needs rights to create namespaces, and deletes what it created). `npm test` runs the
// same files against the stand-in only.
export default defineConfig({
  test: {
    include: ['test/kubernetes/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Against a shared real cluster, one file at a time.
    fileParallelism: !process.env.KUBECONFIG,
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/kubernetes-results.json' },
    provide: {
      kubeconfig: process.env.KUBECONFIG ?? '',
    },
  },
});
