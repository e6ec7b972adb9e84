/**
 * Small hooks over a `SigilClient` for the screens: subscribe to an event for the life of a
 * component, and load data asynchronously with loading and error states.
 *
 * @module
 */
import type { ClientEvents, SigilClient } from '@sigil/client';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Calls `listener` for each `type` event while the component is mounted. */
export function useClientEvent<K extends keyof ClientEvents>(
  client: SigilClient,
  type: K,
  listener: (event: ClientEvents[K]) => void,
): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => client.on(type, (event) => latest.current?.(event)), [client, type]);
}

/** The state of an asynchronous load. */
export interface Loaded<T> {
  readonly value: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Loads again (keeps the old value while loading). */
  reload(): void;
}

/** Runs `load` now and whenever `deps` change or `reload()` is called. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (result) => {
        if (!live) return;
        setValue(() => result);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(failure);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, generation]);
  return { value, error, loading, reload: () => setGeneration((g) => g + 1) };
}
