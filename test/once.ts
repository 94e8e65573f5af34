/** Runs `read` once, on first use, and shares its answer; if it throws, every test that uses it fails with that error. */
export function once<T>(read: () => T): () => T {
  let done: { value: T } | { error: unknown } | undefined;
  return () => {
    if (done === undefined) {
      try {
        done = { value: read() };
      } catch (error) {
        done = { error };
      }
    }
    if ('error' in done) { throw done.error; }
    return done.value;
  };
}
