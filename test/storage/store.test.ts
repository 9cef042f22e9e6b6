// One Store contract, run against every implementation.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/store.js';
import { storeImplementations } from '../stores.js';

const stores = storeImplementations();
const implementations: [string, () => Promise<Store>][] = stores.map(([name, open]) => [name, async () => (await open()).store]);

describe.each(implementations)('Store: %s', (_name, open) => {
  it('gets what was put, and undefined for what was not', async () => {
    const store = await open();
    await store.batch([{ type: 'put', key: 'a', value: '1' }]);
    expect(await store.get('a')).toBe('1');
    expect(await store.get('b')).toBeUndefined();
    await store.close();
  });

  it('lists a prefix in key order only', async () => {
    const store = await open();
    await store.batch(['p/b', 'p/a', 'q/a', 'p/c', 'p'].map((key) => ({ type: 'put' as const, key, value: key })));
    const keys: string[] = [];
    for await (const [key] of store.entries('p/')) keys.push(key);
    expect(keys).toEqual(['p/a', 'p/b', 'p/c']);
    await store.close();
  });

  it('applies a batch all or nothing', async () => {
    const store = await open();
    await store.batch([{ type: 'put', key: 'x', value: 'old' }]);
    await expect(store.batch([{ type: 'put', key: 'x', value: 'new' }, { type: 'put', key: 'y', value: 42 as unknown as string }])).rejects.toThrow(TypeError);
    expect(await store.get('x')).toBe('old');
    expect(await store.get('y')).toBeUndefined();
    await store.batch([{ type: 'del', key: 'x' }, { type: 'put', key: 'z', value: '1' }]);
    expect(await store.get('x')).toBeUndefined();
    expect(await store.get('z')).toBe('1');
    await store.close();
  });
});

it('level: what was written is there after reopening', async () => {
  const opened = await stores.find(([name]) => name === 'level')![1]();
  await opened.store.batch([{ type: 'put', key: 'k', value: 'v' }]);
  const second = await opened.reopen();
  expect(await second.get('k')).toBe('v');
  await second.close();
});
