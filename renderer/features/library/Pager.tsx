import type { Page } from './track-format';

interface PagerProps {
  readonly page: Page<unknown>;
  /** What the list holds, for "101–200 of 2,000 tracks". */
  readonly noun: string;
  readonly onPage: (page: number) => void;
}

/** Where a paged list is, and the way to the pages before and after it. */
export function Pager({ page, noun, onPage }: PagerProps) {
  return (
    <div className="pager">
      <span className="muted" aria-live="polite">
        {page.total === 0 ? `No ${noun}` : `${page.first.toLocaleString()}–${page.last.toLocaleString()} of ${page.total.toLocaleString()} ${noun}`}
      </span>
      {page.pageCount > 1 ? (
        <>
          <button type="button" className="small" disabled={page.page === 0} onClick={() => onPage(page.page - 1)}>
            Previous
          </button>
          <button type="button" className="small" disabled={page.page >= page.pageCount - 1} onClick={() => onPage(page.page + 1)}>
            Next
          </button>
        </>
      ) : null}
    </div>
  );
}
