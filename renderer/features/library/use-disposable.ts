import { useEffect, useState } from 'react';

/**
 * A React-free object made for as long as the component shows (and `dependencies` hold),
 * released when it goes. Made in an effect, not during render, so React's development
 * double-run of effects releases one object and makes a fresh one rather than reusing a
 * released one. Undefined until the first effect has run.
 */
export function useDisposable<T>(create: () => T, release: (value: T) => void, dependencies: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>();
  useEffect(() => {
    const created = create();
    setValue(() => created);
    return () => release(created);
    // The caller names what the object depends on, as for useEffect.
  }, dependencies);
  return value;
}
