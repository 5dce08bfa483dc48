/** What the table page remembers between sessions (columns, sort, filter), read back defensively. */
import { DEFAULT_COLUMNS, isColumnId, normalizeColumns, type ColumnId } from './table';
import { parseTableFilter } from './tableFilter';
import { DEFAULT_SORT, type TableSort } from './tableSort';

export interface TableViewState {
  columns: ColumnId[];
  sort: TableSort;
  filter: string;
}

export const DEFAULT_VIEW: TableViewState = { columns: [...DEFAULT_COLUMNS], sort: DEFAULT_SORT, filter: '' };

/** The view as saved, read defensively: an older or damaged value falls back part by part. */
export function normalizeView(raw: unknown): TableViewState {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const columns = normalizeColumns(o.columns);
  const s = typeof o.sort === 'object' && o.sort !== null ? (o.sort as Record<string, unknown>) : {};
  const sort =
    isColumnId(s.column) && typeof s.descending === 'boolean' ? { column: s.column, descending: s.descending } : { ...DEFAULT_SORT };
  const filter = typeof o.filter === 'string' && o.filter.length <= 1000 && 'filter' in parseTableFilter(o.filter) ? o.filter : '';
  return { columns, sort, filter };
}
