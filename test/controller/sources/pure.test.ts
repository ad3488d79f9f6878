import { describe, expect, it } from 'vitest';
import { canonicalJson, redactUrl, repeatOf, sameRepository, scrub, sshCommand } from '../../../controller/sources/index.ts';

describe('Git URL helpers', () => {
  it('scrubs URL credentials and raw secrets from messages', () => {
    expect(redactUrl("unable to access 'https://x:tok@host/repo/'")).toBe("unable to access 'https://[redacted]@host/repo/'");
    expect(scrub('the key k3y-9 in text and https://u:k3y-9@h/r', ['k3y-9'])).toBe('the key [redacted] in text and https://[redacted]@h/r');
  });

  it('quotes a key path with spaces in the ssh command', () => {
    expect(sshCommand('/keys/id_ed25519')).toBe('ssh -i /keys/id_ed25519 -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new');
    expect(sshCommand("/keys/my key's")).toBe(`ssh -i '/keys/my key'\\''s' -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new`);
  });

  it('matches webhook repository URLs regardless of scheme, credentials, case and .git', () => {
    expect(sameRepository('https://git.example.com/Org/Intents.git', 'https://token@git.example.com/org/intents')).toBe(true);
    expect(sameRepository('git@git.example.com:org/intents.git', 'https://git.example.com/org/intents')).toBe(true);
    expect(sameRepository('ssh://git@git.example.com/org/intents.git', 'https://git.example.com/org/intents/')).toBe(true);
    expect(sameRepository('https://git.example.com/org/intents', 'https://git.example.com/org/other')).toBe(false);
  });
});

describe('intent helpers', () => {
  it('compares specs independent of key order, as jsonb returns them', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: undefined } })).toBe(canonicalJson({ a: { d: [1, { e: 2, f: 1 }] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('turns interval and schedule into a BullMQ repeat', () => {
    expect(repeatOf({ interval: '1h30m' })).toEqual({ every: 5_400_000 });
    expect(repeatOf({ schedule: '0 */6 * * *' })).toEqual({ pattern: '0 */6 * * *' });
    expect(repeatOf({})).toEqual({ every: 3_600_000 });
  });
});
