import { useEffect } from 'react';
import type { DraftEditor } from './DraftEditor';

/** The page going away (a reload, closing the window) writes what is waiting, as far as it can. */
export function useFlushOnPageHide(editor: DraftEditor): void {
  useEffect(() => {
    const flush = () => void editor.flush();
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [editor]);
}
