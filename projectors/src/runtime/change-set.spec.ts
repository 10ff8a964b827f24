import { describe, expect, it } from 'vitest';
import { add, ChangeSet, max, set } from './change-set';

interface DB {
  things: { id: string; name: string; n: number; seq: number };
  links: { a: string; b: string; role: string };
}
const keys = { things: ['id'], links: ['a', 'b'] } as const;
const patchOf = (cs: ChangeSet<DB>, table: string, key: string) =>
  Object.fromEntries([...(cs.tables.get(table)!.patches.get(key)?.columns ?? [])].map(([c, r]) => [c, r]));

describe('ChangeSet merge rules', () => {
  it('insert: the first row of a key wins', () => {
    const cs = new ChangeSet<DB>(keys);
    cs.insert('things', { id: 't', name: 'first', n: 0, seq: 1 });
    cs.insert('things', { id: 't', name: 'second', n: 0, seq: 2 });
    expect([...cs.tables.get('things')!.inserts.values()]).toEqual([{ id: 't', name: 'first', n: 0, seq: 1 }]);
  });

  it('put and delete: the last change of a composite key wins, and a key is never both', () => {
    const cs = new ChangeSet<DB>(keys);
    cs.put('links', { a: 'x', b: 'y', role: 'member' });
    cs.delete('links', { a: 'x', b: 'y' });
    cs.put('links', { a: 'x', b: 'z', role: 'member' });
    cs.delete('links', { a: 'x', b: 'z' });
    cs.put('links', { a: 'x', b: 'z', role: 'admin' });
    const t = cs.tables.get('links')!;
    expect([...t.puts.values()]).toEqual([{ a: 'x', b: 'z', role: 'admin' }]);
    expect([...t.deletes.values()]).toEqual([{ a: 'x', b: 'y' }]);
  });

  it('patch: set keeps the last value, max the greatest, add the sum', () => {
    const cs = new ChangeSet<DB>(keys);
    cs.patch('things', { id: 't' }, { name: set('a'), seq: max(5), n: add(1) });
    cs.patch('things', { id: 't' }, { name: set('b'), seq: max(3), n: add(1) });
    cs.patch('things', { id: 't' }, { n: add(-3) });
    expect(patchOf(cs, 'things', 't')).toEqual({ name: set('b'), seq: max(5), n: add(-1) });
  });

  it('a put or delete after a patch of the same key drops what it overwrites', () => {
    const cs = new ChangeSet<DB>(keys);
    cs.patch('links', { a: 'x', b: 'y' }, { role: set('admin') });
    cs.put('links', { a: 'x', b: 'y', role: 'member' });
    expect(cs.tables.get('links')!.patches.size).toBe(0);
    cs.patch('links', { a: 'x', b: 'y' }, { role: set('admin') }); // after the put: applies on top of it
    expect(patchOf(cs, 'links', 'x\u0000y')).toEqual({ role: set('admin') });
    cs.delete('links', { a: 'x', b: 'y' });
    expect(cs.tables.get('links')!.patches.size).toBe(0);
  });

  it('refuses what could not be written batch-independently', () => {
    const cs = new ChangeSet<DB>(keys);
    cs.patch('things', { id: 't' }, { seq: max(1) });
    expect(() => cs.patch('things', { id: 'u' }, { seq: set(2) })).toThrow(/both max and set/);
    cs.insert('things', { id: 't', name: 'n', n: 0, seq: 1 });
    expect(() => cs.delete('things', { id: 't' })).toThrow(/mixes/);
    cs.put('links', { a: 'x', b: 'y', role: 'member' });
    expect(() => cs.insert('links', { a: 'x', b: 'q', role: 'member' })).toThrow(/mixes/);
    expect(() => new ChangeSet<DB>({ things: ['id'] }).put('links', { a: 'x', b: 'y', role: 'r' })).toThrow(/no declared primary key/);
  });

  it('is empty until something is recorded', () => {
    const cs = new ChangeSet<DB>(keys);
    expect(cs.isEmpty).toBe(true);
    cs.delete('links', { a: 'x', b: 'y' });
    expect(cs.isEmpty).toBe(false);
  });
});
