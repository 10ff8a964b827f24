import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SerialQueues } from './serial-queues';

describe('SerialQueues', () => {
  const q = () => new SerialQueues(pino({ level: 'silent' }));

  it('runs a task synchronously when its key is idle', () => {
    const out: number[] = [];
    void q().run('a', () => void out.push(1));
    expect(out).toEqual([1]);
  });

  it('holds later tasks of the same key behind an async one, not other keys', async () => {
    const s = q();
    const out: string[] = [];
    let release!: () => void;
    void s.run('a', () => new Promise<void>((r) => (release = () => (out.push('a1'), r()))));
    void s.run('a', () => void out.push('a2'));
    void s.run('b', () => void out.push('b1'));
    expect(out).toEqual(['b1']);
    release();
    await s.run('a', () => void out.push('a3'));
    expect(out).toEqual(['b1', 'a1', 'a2', 'a3']);
  });

  it('runs tasks pushed from inside a task after it, never re-entrantly', async () => {
    const s = q();
    const out: string[] = [];
    await s.run('a', () => {
      void s.run('a', () => void out.push('inner'));
      out.push('outer');
    });
    expect(out).toEqual(['outer', 'inner']);
  });

  it('a failing task does not stop the queue', async () => {
    const s = q();
    const out: string[] = [];
    void s.run('a', () => {
      throw new Error('boom');
    });
    void s.run('a', () => Promise.reject(new Error('async boom')));
    await s.run('a', () => void out.push('after'));
    expect(out).toEqual(['after']);
  });
});

describe('SerialQueues.post', () => {
  const q = () => new SerialQueues(pino({ level: 'silent' }));

  it('runs at once when idle, and keeps order behind a task that went async', async () => {
    const s = q();
    const out: string[] = [];
    s.post('a', () => void out.push('a1'));
    let release!: () => void;
    s.post('a', () => new Promise<void>((r) => (release = () => (out.push('a2'), r()))));
    s.post('a', () => void out.push('a3'));
    s.post('b', () => void out.push('b1'));
    expect(out).toEqual(['a1', 'b1']);
    release();
    await s.run('a', () => void out.push('a4'));
    expect(out).toEqual(['a1', 'b1', 'a2', 'a3', 'a4']);
  });
});
