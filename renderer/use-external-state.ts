import { useSyncExternalStore } from 'react';
import type { Unsubscribe } from '../core/typed-emitter';

interface StateSource<State> {
  getState(): State;
  on(name: 'state', listener: () => void): Unsubscribe;
}

/** Reads a React-free class's state the way React expects, re-rendering on its 'state' event. */
export function useExternalState<State>(source: StateSource<State>): State {
  return useSyncExternalStore(
    (notify) => source.on('state', notify),
    () => source.getState(),
  );
}
