import { useCallback, useEffect, useState } from 'react';
import type { Result } from '../core/result';

export type Loadable<T> = { readonly status: 'loading' } | { readonly status: 'error'; readonly message: string } | { readonly status: 'ready'; readonly value: T };

/** Loads something from the host and keeps a user-readable error when it fails. */
export function useHostData<T>(load: () => Promise<Result<T>>, dependencies: readonly unknown[]): [Loadable<T>, () => void] {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  useEffect(() => {
    let cancelled = false;
    load().then(
      (result) => {
        if (cancelled) return;
        setState(result.ok ? { status: 'ready', value: result.value } : { status: 'error', message: result.error.message });
      },
      (error: unknown) => {
        if (!cancelled) setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [...dependencies, generation]);
  return [state, reload];
}
