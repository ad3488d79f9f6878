// The write governor sizes chunks from measured speed and bounds writes in flight: a timeout
// halves the chunk and takes one write out of flight; writes in their expected time give it back.
import { describe, expect, it } from 'vitest';
import { WriteGovernor } from '../../../controller/reconcile/index.ts';

const ENDPOINT = 'interface-templates';

/** A write of `count` objects that took what the governor expects of it (8 ms per template + 40 ms). */
function onTime(governor: WriteGovernor, count = 100): void {
  governor.observe(ENDPOINT, count, 40 + count * 8);
}

describe('WriteGovernor', () => {
  it('takes one write out of flight per timeout, never below one', () => {
    const governor = new WriteGovernor({ concurrency: 4 });
    governor.slowDown(ENDPOINT);
    expect(governor.concurrency).toBe(3);
    for (let i = 0; i < 5; i++) governor.slowDown(ENDPOINT);
    expect(governor.concurrency).toBe(1);
  });

  it('gives a write back after five writes in their expected time, up to the configured number', () => {
    const governor = new WriteGovernor({ concurrency: 3 });
    governor.slowDown(ENDPOINT);
    governor.slowDown(ENDPOINT);
    expect(governor.concurrency).toBe(1);
    for (let i = 0; i < 4; i++) onTime(governor);
    expect(governor.concurrency).toBe(1);
    onTime(governor);
    expect(governor.concurrency).toBe(2);
    for (let i = 0; i < 20; i++) onTime(governor);
    expect(governor.concurrency).toBe(3);
  });

  it('counts only writes in their expected time, in a row; a slow write or a timeout restarts the count', () => {
    const governor = new WriteGovernor({ concurrency: 2 });
    governor.slowDown(ENDPOINT);
    for (let i = 0; i < 4; i++) onTime(governor);
    // Far slower than expected: NetBox is still struggling.
    governor.observe(ENDPOINT, 100, 60_000);
    for (let i = 0; i < 4; i++) onTime(governor);
    expect(governor.concurrency).toBe(1);
    governor.slowDown(ENDPOINT);
    for (let i = 0; i < 4; i++) onTime(governor);
    expect(governor.concurrency).toBe(1);
    onTime(governor);
    expect(governor.concurrency).toBe(2);
  });

  it('halves the chunk after a timeout', () => {
    const governor = new WriteGovernor({ concurrency: 2, maxChunk: 10_000 });
    const before = governor.chunkSize(ENDPOINT);
    governor.slowDown(ENDPOINT);
    expect(governor.chunkSize(ENDPOINT)).toBeLessThanOrEqual(Math.ceil(before / 2));
  });
});
