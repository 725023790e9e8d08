/**
 * What the public bundles get for `import … from 'react'` (see vite.config.ts): Preact's React
 * compatibility layer, plus the one hook React Router references that it lacks. (JavaScript: the
 * compat module's `export =` typings cannot be re-exported from TypeScript; the app type-checks
 * against React's own types.)
 */
export * from 'preact/compat';
export { default } from 'preact/compat';

/**
 * React Router's data-router provider calls `useOptimistic`; the public pages use declarative routes
 * and no actions, so no optimistic update is ever pending and the state is the one passed in.
 */
export function useOptimistic(passthrough) {
  return [passthrough, () => undefined];
}
