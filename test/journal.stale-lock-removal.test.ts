import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleLock } from '../src/journal/stale-lock-removal.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * The removal of a stale lock folder under a mutex (src/journal/stale-lock-removal.ts): a lock
 * found stale is removed, a fresh one never, and a second remover at the same moment is told the
 * lock is busy. test/torture/locks.test.ts races real processes over it.
 */
const STALE = 2000;

function lockAged(ms: number): string {
  const lock = path.join(tempDir(), 'writer.lock');
  fs.mkdirSync(lock);
  const when = new Date(Date.now() - ms);
  fs.utimesSync(lock, when, when);
  return lock;
}

describe('removing a stale lock folder', () => {
  it('removes a lock not refreshed for longer than the stale time, and leaves no mutex behind', () => {
    const lock = lockAged(60_000);
    expect(removeStaleLock(lock, STALE)).toBe('removed');
    expect(fs.existsSync(lock)).toBe(false);
    expect(fs.existsSync(`${lock}.removing`)).toBe(false);
  });

  it('keeps a lock that is fresh by now (another process retook it since it was found stale)', () => {
    const lock = lockAged(100);
    expect(removeStaleLock(lock, STALE)).toBe('fresh');
    expect(fs.existsSync(lock)).toBe(true);
    expect(fs.existsSync(`${lock}.removing`)).toBe(false);
  });

  it("says 'gone' when the lock was already removed", () => {
    const lock = path.join(tempDir(), 'writer.lock');
    expect(removeStaleLock(lock, STALE)).toBe('gone');
  });

  it("says 'busy' and removes nothing while another process holds the mutex", () => {
    const lock = lockAged(60_000);
    fs.mkdirSync(`${lock}.removing`);
    expect(removeStaleLock(lock, STALE)).toBe('busy');
    expect(fs.existsSync(lock)).toBe(true);
    expect(fs.existsSync(`${lock}.removing`)).toBe(true);
  });

  it('takes over a mutex left by a process killed while holding it, once that mutex is stale too', () => {
    const lock = lockAged(60_000);
    const mutex = `${lock}.removing`;
    fs.mkdirSync(mutex);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(mutex, old, old);
    expect(removeStaleLock(lock, STALE)).toBe('removed');
    expect(fs.existsSync(lock)).toBe(false);
    expect(fs.existsSync(mutex)).toBe(false);
  });
});
