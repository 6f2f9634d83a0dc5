import { SmartemDbError } from './errors.js';

/**
 * Packages that only the developer tools need (generate, diff, check, verify, lint) or the embedded
 * database: optional peer dependencies, so that an application that only migrates at startup
 * installs none of them. When one is missing, say which and how to install it.
 */
export const DEVELOPER_TOOLS = ['drizzle-kit', 'tsx', 'libpg-query'] as const;

/** The package an ERR_MODULE_NOT_FOUND is about, if it is one of `names`. */
function missingPackage(error: unknown, names: readonly string[]): string | undefined {
  const e = error as { code?: string; message?: string };
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' && e?.code !== 'MODULE_NOT_FOUND') return undefined;
  return names.find(
    (name) =>
      e.message?.includes(`'${name}'`) ||
      e.message?.includes(`'${name}/`) ||
      e.message?.includes(`"${name}"`) ||
      e.message?.includes(`/${name}/`),
  );
}

/**
 * Imports a module that needs optional packages; a missing one becomes MISSING_DEPENDENCY naming
 * the packages to install for `what`.
 *
 * @example const tools = await importOptional(() => import('./generate-api.js'), DEVELOPER_TOOLS, 'smartem-db generate');
 */
export async function importOptional<T>(load: () => Promise<T>, packages: readonly string[], what: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = missingPackage(error, packages);
    if (!missing) throw error;
    throw new SmartemDbError(
      'MISSING_DEPENDENCY',
      `${what} needs ${packages.join(', ')} (${missing} is not installed). They are optional peer dependencies of ` +
        `smartem-db, which an application that only runs migrations does not need: npm install --save-dev ${packages.join(' ')}`,
    );
  }
}
