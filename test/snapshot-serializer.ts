/**
 * Jest snapshot serializer (registered in jest.config.js `snapshotSerializers`).
 *
 * Masks volatile substrings (asset hashes, Lambda CurrentVersion hashes, bootstrap
 * account/region, CDK analytics blobs) in every string of a snapshotted value, object
 * keys included (pretty-format prints keys through the same printer), so that
 * `expect(Template.fromStack(stack).toJSON()).toMatchSnapshot()` is stable.
 *
 * The masking itself lives in `Snapshot` (lib/testing/snapshot.ts): one implementation.
 * Jest `require`s this module and reads `test` and `serialize` from its exports.
 */
import { Snapshot } from '../lib/testing/snapshot';

type Printer = (val: unknown, config: unknown, indentation: string, depth: number, refs: unknown[]) => string;

/** Only strings that actually contain something to mask are handled, so masked output never recurses. */
export function test(val: unknown): boolean {
  return typeof val === 'string' && Snapshot.needsMasking(val);
}

/** Prints the masked string with the default printer (keeps quoting/escaping identical). */
export function serialize(val: string, config: unknown, indentation: string, depth: number, refs: unknown[], printer: Printer): string {
  return printer(Snapshot.mask(val), config, indentation, depth, refs);
}
