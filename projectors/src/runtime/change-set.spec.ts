import { describe, expect, it } from 'vitest';
import { add, ChangeSet, max, set } from './change-set';

interface DB {
  things: { id: string; name: string; n: number; seq: number };
  links: { a: string; b: string; role: string };
  posts: { id: string; body: string; gone: boolean; likes: number };
  likes: { post: string; user: string };
}
const keys = { things: ['id'], links: ['a', 'b'], posts: ['id'], likes: ['post', 'user'] } as const;
const rules = { tombstones: { posts: { flag: 'gone', content: ['body'] } }, owners: { likes: { table: 'posts', columns: { id: 'post' } } } } as const;
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

  it('ensure: a set member is added once, and a removal in between starts over', () => {
    const cs = new ChangeSet<DB>(keys);
    cs.ensure('links', { a: 'x', b: 'y', role: 'first' });
    cs.ensure('links', { a: 'x', b: 'y', role: 'second' });
    expect([...cs.tables.get('links')!.ensures.values()]).toEqual([{ a: 'x', b: 'y', role: 'first' }]);
    cs.delete('links', { a: 'x', b: 'y' });
    cs.ensure('links', { a: 'x', b: 'y', role: 'third' });
    // after a delete in the batch the row is exactly this one, whatever the database held
    expect([...cs.tables.get('links')!.puts.values()]).toEqual([{ a: 'x', b: 'y', role: 'third' }]);
    expect(cs.tables.get('links')!.ensures.size + cs.tables.get('links')!.deletes.size).toBe(0);
  });

  it('tombstone: first one wins, freezes content columns and takes the owned rows with it', () => {
    const cs = new ChangeSet<DB>(keys, rules);
    cs.patch('posts', { id: 'p' }, { body: set('edited'), likes: add(1) });
    cs.ensure('likes', { post: 'p', user: 'u1' });
    cs.ensure('likes', { post: 'q', user: 'u1' });
    cs.tombstone('posts', { id: 'p' }, { body: '' });
    cs.tombstone('posts', { id: 'p' }, { body: 'second delete' });
    cs.patch('posts', { id: 'p' }, { body: set('edit after delete'), likes: add(1) });
    cs.ensure('likes', { post: 'p', user: 'u2' });
    const posts = cs.tables.get('posts')!;
    expect([...posts.tombstones.values()]).toEqual([{ id: 'p', body: '', gone: true }]);
    expect(patchOf(cs, 'posts', 'p')).toEqual({ likes: add(2) });
    const likes = cs.tables.get('likes')!;
    expect([...likes.ensures.values()]).toEqual([{ post: 'q', user: 'u1' }]);
    expect([...likes.purges.values()]).toEqual([{ post: 'p' }]);
    expect(() => cs.tombstone('things', { id: 't' }, {})).toThrow(/no tombstone rule/);
    expect(() => new ChangeSet<DB>(keys, { owners: { likes: { table: 'things', columns: { id: 'post' } } } })).toThrow(/tombstone rule/);
  });

  it('is empty until something is recorded', () => {
    const cs = new ChangeSet<DB>(keys);
    expect(cs.isEmpty).toBe(true);
    cs.delete('links', { a: 'x', b: 'y' });
    expect(cs.isEmpty).toBe(false);
  });
});
