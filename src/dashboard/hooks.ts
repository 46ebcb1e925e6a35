import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from './api/client';

export const ApiContext = createContext<ApiClient | null>(null);

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside a signed-in screen');
  return api;
}

export interface Loaded<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Runs `load` when `deps` change, and every `pollMs` when given (skipped while the tab is hidden,
 * never overlapping a call still running). Results of a superseded call are dropped, so a slow
 * answer for the previous screen cannot overwrite the current one.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const generation = useRef(0);
  const running = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(async () => {
    const mine = generation.current;
    running.current = true;
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, error: null, loading: false });
    } catch (err) {
      if (mine === generation.current) setState((s) => ({ data: s.data, error: err as Error, loading: false }));
    } finally {
      running.current = false;
    }
  }, []);

  useEffect(() => {
    generation.current++;
    setState({ data: undefined, error: null, loading: true });
    void run();
    const timer = pollMs
      ? setInterval(() => {
          if (!document.hidden && !running.current) void run();
        }, pollMs)
      : undefined;
    return () => {
      clearInterval(timer);
      generation.current++; // an answer arriving after unmount is dropped
    };
  }, deps);

  return { ...state, reload: run };
}

/** A button's action: busy flag, last error, and whether the last run succeeded (for a status line). */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [succeeded, setSucceeded] = useState(false);
  const run = async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    setSucceeded(false);
    try {
      const result = await action(...args);
      setSucceeded(true);
      return result;
    } catch (err) {
      setError(err as Error);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, succeeded };
}
