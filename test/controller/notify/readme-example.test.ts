// The README's example notification is what the notifier sends: the same body for the same
// event, and a signature a receiver can verify with the documented recipe.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../controller/config/index.ts';
import { HEADERS, buildEvent, renderBody, signBody } from '../../../controller/notify/index.ts';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README example notification', () => {
  const block = /```http\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
  const [head = '', body = ''] = block.split('\n\n');
  const headers = Object.fromEntries(
    head
      .split('\n')
      .slice(1)
      .map((line) => line.split(': ') as [string, string]),
  );

  it('is the body the notifier renders for that event', () => {
    const event = buildEvent(
      {
        type: 'drift.detected',
        intent: { kind: 'DeviceTypeSet', name: 'lab-devices' },
        processId: '6f1c2a9e-3b7d-4c51-9a0e-2d8f4b6c1e37',
        summary: 'DeviceTypeSet/lab-devices (observe): 3 objects newly differ from the intent; 3 in all',
        details: {
          mode: 'observe',
          total: 3,
          new: 3,
          byAction: { create: 1, update: 1, delete: 1 },
          newByAction: { create: 1, update: 1, delete: 1 },
          previous: 0,
        },
      },
      'https://netbox-gitops.example.com',
      new Date('2026-12-02T20:41:07.512Z'),
    );
    expect(body.trim()).toBe(renderBody('json', event, headers[HEADERS.delivery] as string));
    expect(headers[HEADERS.event]).toBe('drift.detected');
  });

  it('carries a signature the documented recipe verifies', () => {
    const timestamp = Number(headers[HEADERS.timestamp]);
    expect(headers[HEADERS.signature]).toBe(signBody(new Secret('example-secret'), timestamp, body.trim()));
    expect(headers[HEADERS.signature]).toBe(`sha256=${createHmac('sha256', 'example-secret').update(`${timestamp}.${body.trim()}`).digest('hex')}`);
  });
});
