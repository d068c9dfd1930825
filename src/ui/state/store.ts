// A tiny external store: components subscribe with useSyncExternalStore, tests read getState().
export class Store<S> {
  private listeners = new Set<() => void>();
  constructor(private state: S) {}

  getState = (): S => this.state;

  set(patch: Partial<S> | ((s: S) => Partial<S>)): void {
    const p = typeof patch === 'function' ? patch(this.state) : patch;
    this.state = { ...this.state, ...p };
    for (const l of this.listeners) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
