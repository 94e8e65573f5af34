/**
 * Loads an optional npm dependency (a devDependency of the user's project, never a runtime
 * dependency of this package) and fails with the install command when it is missing.
 *
 * @param name the module name, e.g. `cdk-nag`
 * @param usedBy what needs it, for the message, e.g. `NagCheck`
 * @param load the loader (tests pass a stub; defaults to `require`)
 */
export function requireOptional<T>(name: string, usedBy: string, load: (id: string) => unknown = require): T {
  try {
    return load(name) as T;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(name)) {
      throw new Error(`${usedBy} needs the '${name}' package, which is not installed: run \`npm install --save-dev ${name}\` (it is a test-time tool, so this package does not make it a runtime dependency)`);
    }
    throw e;
  }
}
