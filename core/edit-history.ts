import { TypedEmitter } from './typed-emitter';

/*
 * A generic undo and redo history of immutable values: the playlist editor keeps its drafts
 * in one, and nothing here knows what a playlist is.
 */

export interface EditHistoryState<T> {
  readonly present: T;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** What undo would take back, e.g. "move track" for a menu item "Undo move track". */
  readonly undoLabel: string | undefined;
  readonly redoLabel: string | undefined;
}

export type EditHistoryEvents<T> = { change: EditHistoryState<T> };

export interface EditHistoryOptions {
  /** Steps kept for undo; the oldest are forgotten beyond it. */
  readonly limit: number;
}

export interface ApplyOptions {
  /**
   * Consecutive edits with the same key become one undo step (typing a note, dragging a
   * gain slider), so undo takes back the whole gesture rather than one keystroke.
   */
  readonly coalesce?: string;
}

interface Step<T> {
  readonly value: T;
  readonly label: string;
}

/**
 * Undo and redo over immutable values: each step keeps the value as it was, so undo
 * restores it exactly. React reads `getState()` through useSyncExternalStore; the state
 * object changes only when something did.
 */
export class EditHistory<T> extends TypedEmitter<EditHistoryEvents<T>> {
  static readonly defaults: EditHistoryOptions = { limit: 200 };

  private readonly options: EditHistoryOptions;
  private past: Step<T>[] = [];
  private future: Step<T>[] = [];
  private current: T;
  private coalesceKey: string | undefined;
  private state: EditHistoryState<T>;

  constructor(initial: T, options: Partial<EditHistoryOptions> = {}) {
    super();
    this.options = { ...EditHistory.defaults, ...options };
    if (!Number.isInteger(this.options.limit) || this.options.limit < 1) throw new RangeError(`EditHistory limit must be a whole number ≥ 1, not ${this.options.limit}`);
    this.current = initial;
    this.state = this.snapshot();
  }

  get present(): T {
    return this.current;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  getState(): EditHistoryState<T> {
    return this.state;
  }

  /** Records an edit; `next` identical to the present (an edit that changed nothing) records nothing. */
  apply(next: T, label: string, options: ApplyOptions = {}): void {
    if (Object.is(next, this.current)) return;
    const merges = options.coalesce !== undefined && options.coalesce === this.coalesceKey && this.past.length > 0;
    if (!merges) {
      this.past.push({ value: this.current, label });
      if (this.past.length > this.options.limit) this.past.shift();
    }
    this.future = [];
    this.current = next;
    this.coalesceKey = options.coalesce;
    this.changed();
  }

  undo(): boolean {
    const step = this.past.pop();
    if (step === undefined) return false;
    this.future.push({ value: this.current, label: step.label });
    this.current = step.value;
    this.coalesceKey = undefined;
    this.changed();
    return true;
  }

  redo(): boolean {
    const step = this.future.pop();
    if (step === undefined) return false;
    this.past.push({ value: this.current, label: step.label });
    this.current = step.value;
    this.coalesceKey = undefined;
    this.changed();
    return true;
  }

  /** Starts over from `present` with nothing to undo (another playlist was opened). */
  reset(present: T): void {
    this.past = [];
    this.future = [];
    this.current = present;
    this.coalesceKey = undefined;
    this.changed();
  }

  dispose(): void {
    this.removeAllListeners();
    this.past = [];
    this.future = [];
  }

  private snapshot(): EditHistoryState<T> {
    return {
      present: this.current,
      canUndo: this.canUndo,
      canRedo: this.canRedo,
      undoLabel: this.past.at(-1)?.label,
      redoLabel: this.future.at(-1)?.label,
    };
  }

  private changed(): void {
    this.state = this.snapshot();
    this.emit('change', this.state);
  }
}
