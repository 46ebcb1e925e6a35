import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findEncryptionKey, generateEncryptionKey } from '../../src/security/encryption-key.js';
import { fingerprintMatches, keyFingerprint } from '../../src/security/key-fingerprint.js';
import { SecretBox } from '../../src/security/secret-box.js';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips, and never produces the same ciphertext twice', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const a = box.seal(secret);
    const b = box.seal(secret);
    expect(a).not.toContain(secret);
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe(secret);
    expect(box.open(b)).toBe(secret);
  });

  it('detects tampering and a wrong key', () => {
    const sealed = box.seal('top secret');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[2]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open(`${parts[0]}.${parts[1]}.${flipped.toString('base64url')}`)).toThrow(/decrypt/);
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/HERALD_ENCRYPTION_KEY/);
  });

  it('opens each of many values right when they are opened again, and still refuses a tampered copy of one it opened', () => {
    const values = Array.from({ length: 5000 }, (_, i) => `secret-${i}`);
    const sealed = values.map((v) => box.seal(v));
    for (let round = 0; round < 2; round++) sealed.forEach((s, i) => expect(box.open(s)).toBe(values[i]));
    const [head, tag, ct] = sealed[4999]!.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open(`${head}.${tag}.${flipped.toString('base64url')}`)).toThrow(/decrypt/);
    expect(() => box.open(`${head}.${Buffer.from(tag!, 'base64url').subarray(0, 4).toString('base64url')}.${ct}`)).toThrow(/decrypt/);
    expect(() => new SecretBox(randomBytes(32)).open(sealed[4999]!)).toThrow(/HERALD_ENCRYPTION_KEY/);
  });

  it('reads values stored before encryption was enabled as plaintext', () => {
    expect(box.open('["legacy"]')).toBe('["legacy"]');
  });
});

describe('encryption key', () => {
  it('is generated once into the data folder with owner-only permissions, then reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-key-'));
    expect(findEncryptionKey(null, dir)).toBeNull();
    const first = generateEncryptionKey(dir);
    expect(first.origin).toBe('generated');
    expect(first.key).toHaveLength(32);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    const again = findEncryptionKey(null, dir)!;
    expect(again.origin).toBe('file');
    expect(again.key.equals(first.key)).toBe(true);
    expect(readFileSync(first.path, 'utf8').trim()).toBe(first.key.toString('base64'));
  });

  it('accepts HERALD_ENCRYPTION_KEY as base64 or hex and rejects a wrong length with a clear message', () => {
    const key = randomBytes(32);
    expect(findEncryptionKey(key.toString('base64'), '/nonexistent')!.key.equals(key)).toBe(true);
    expect(findEncryptionKey(key.toString('hex'), '/nonexistent')!.key.equals(key)).toBe(true);
    expect(() => findEncryptionKey('c2hvcnQ=', '/nonexistent')).toThrow(/32 bytes/);
  });
});

describe('key fingerprint', () => {
  it('identifies the key without revealing it: the same key matches, another does not', () => {
    const key = randomBytes(32);
    const fingerprint = keyFingerprint(key);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    for (const form of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) expect(fingerprint).not.toContain(form);
    expect(keyFingerprint(Buffer.from(key))).toBe(fingerprint);
    expect(fingerprintMatches(key, fingerprint)).toBe(true);
    expect(fingerprintMatches(randomBytes(32), fingerprint)).toBe(false);
    expect(fingerprintMatches(key, 'not-hex')).toBe(false);
  });
});
