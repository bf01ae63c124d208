import { useCallback, useMemo, useRef, useState } from 'react';
import type { LibraryTrack } from '../../../core/library';
import type { EditorCommands } from './editor-commands';
import type { DragItem, DropTarget } from './editor-model';

export interface EditorDrag {
  /** Where a drop would land now, for the marker between rows. */
  readonly dropTarget: DropTarget | undefined;
  start(item: DragItem): void;
  end(): void;
  /** The pointer is over a drop place; false when nothing of ours is being dragged. */
  over(target: DropTarget): boolean;
  drop(): void;
  /** The pointer left the phases. */
  leave(): void;
}

/**
 * Drag and drop of library tracks and of the playlist's own segments into the phases. The
 * item and the target are kept in refs (a drop reads them in the same tick as the last
 * dragover); the target is also state, to draw the marker.
 */
export function useEditorDrag(commands: EditorCommands, tracksByPath: ReadonlyMap<string, LibraryTrack>): EditorDrag {
  const dragging = useRef<DragItem | undefined>(undefined);
  const targetRef = useRef<DropTarget | undefined>(undefined);
  const [dropTarget, setDropTarget] = useState<DropTarget | undefined>();
  const tracksRef = useRef(tracksByPath);
  tracksRef.current = tracksByPath;

  const show = useCallback((target: DropTarget | undefined) => {
    const current = targetRef.current;
    if (current?.phaseId === target?.phaseId && current?.index === target?.index) return;
    targetRef.current = target;
    setDropTarget(target);
  }, []);

  const handlers = useMemo(
    () => ({
      start: (item: DragItem) => {
        dragging.current = item;
      },
      end: () => {
        dragging.current = undefined;
        show(undefined);
      },
      over: (target: DropTarget) => {
        if (dragging.current === undefined) return false;
        show(target);
        return true;
      },
      drop: () => {
        const item = dragging.current;
        const target = targetRef.current;
        dragging.current = undefined;
        show(undefined);
        if (item === undefined || target === undefined) return;
        if (item.kind === 'segment') commands.moveSegmentToDrop(item.segmentId, target);
        else commands.addTracks(item.paths.map((path) => tracksRef.current.get(path)).filter((track) => track !== undefined), target);
      },
      leave: () => show(undefined),
    }),
    [commands, show],
  );
  return useMemo(() => ({ ...handlers, dropTarget }), [handlers, dropTarget]);
}
