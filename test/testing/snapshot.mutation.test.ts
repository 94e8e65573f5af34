import { Snapshot } from '../../lib/testing';

/** Written against the survivor of `npm run mutate -- testing` in snapshot.ts (null inside a template). */
describe('Snapshot.maskTemplate (mutation survivors)', () => {
  test('null, numbers and booleans are kept; strings and keys inside arrays and objects are masked', () => {
    const hash = 'f'.repeat(64);
    expect(Snapshot.maskTemplate({ a: null, n: 1, b: false, list: [null, `${hash}.zip`], [`k${hash}`]: { deep: hash } }))
      .toEqual({ a: null, n: 1, b: false, list: [null, '[HASH].zip'], 'k[HASH]': { deep: '[HASH]' } });
  });
});
