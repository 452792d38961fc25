import { useId } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { OrderDirection, RequestListQuery, RequestOrderField } from '../gql/graphql';
import { personName, useFormat } from '../components/format';
import { COLUMN_SORT, defaultDirection, type Column } from './listParams';

export type RequestRow = RequestListQuery['requests']['edges'][number]['node'];

interface Order {
  sort: RequestOrderField;
  dir: OrderDirection;
}

/** The request table: one sortable header per column (`aria-sort` on the sorted one). */
export function RequestTable({
  rows,
  columns,
  order,
  onSort,
  caption,
  busy,
}: {
  rows: RequestRow[];
  columns: Column[];
  order: Order;
  onSort: (order: Order) => void;
  caption: string;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const label = (c: Column) => t(`requestFilters.columns.${c}`);

  function cell(c: Column, node: RequestRow) {
    switch (c) {
      case 'humanId':
        return node.humanId ? (
          <Link to={`/requests/${node.humanId}`}>{node.humanId}</Link>
        ) : (
          <Link to={`/requests/new?draft=${encodeURIComponent(node.id)}`}>{t('requests.editDraft')}</Link>
        );
      case 'title':
        return node.title || <span className="muted">{t('requests.untitled')}</span>;
      case 'company':
        return node.company?.name;
      case 'requester':
        return personName(node.requester);
      case 'assignee':
        return node.assignee ? personName(node.assignee) : <span className="muted">{t('requestFilters.unassigned')}</span>;
      case 'state':
        return <span className={`badge state-${node.state.toLowerCase()}`}>{t(`states.${node.state}`)}</span>;
      case 'urgency':
        return node.urgency ? t(`urgencies.${node.urgency}`) : '';
      case 'updatedAt':
        return <time dateTime={node.updatedAt}>{format.dateTime(node.updatedAt)}</time>;
    }
  }

  return (
    <table className="request-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <SortHeader key={c} field={COLUMN_SORT[c]} label={label(c)} order={order} onSort={onSort} />
          ))}
        </tr>
      </thead>
      <tbody aria-busy={busy}>
        {rows.map((node) => (
          <tr key={node.id}>
            {columns.map((c) => (
              <td
                key={c}
                data-label={label(c)}
                className={c === 'humanId' ? 'cell-id' : c === 'title' ? 'cell-title' : undefined}
              >
                {cell(c, node)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SortHeader({
  field,
  label,
  order,
  onSort,
}: {
  field: RequestOrderField;
  label: string;
  order: Order;
  onSort: (order: Order) => void;
}) {
  const { t } = useTranslation();
  const active = order.sort === field;
  const nextDir: OrderDirection = active ? (order.dir === 'ASC' ? 'DESC' : 'ASC') : defaultDirection(field);
  return (
    <th scope="col" aria-sort={active ? (order.dir === 'ASC' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort({ sort: field, dir: nextDir })}>
        {label}
        <span aria-hidden="true">{active ? (order.dir === 'ASC' ? ' ▲' : ' ▼') : ' ↕'}</span>
        <span className="visually-hidden">
          {' '}
          {t(nextDir === 'ASC' ? 'requestFilters.sortAsc' : 'requestFilters.sortDesc')}
        </span>
      </button>
    </th>
  );
}

/** The order as two selects: what the column headers do, also on a phone (no headers there). */
export function SortControls({
  sorts,
  order,
  onSort,
}: {
  sorts: RequestOrderField[];
  order: Order;
  onSort: (order: Order) => void;
}) {
  const { t } = useTranslation();
  const ids = { sort: useId(), dir: useId() };
  return (
    <div className="sort-controls">
      <div className="field field-inline">
        <label htmlFor={ids.sort}>{t('requestFilters.sortBy')}</label>
        <select
          id={ids.sort}
          value={order.sort}
          onChange={(e) => {
            const sort = e.target.value as RequestOrderField;
            onSort({ sort, dir: defaultDirection(sort) });
          }}
        >
          {sorts.map((s) => (
            <option key={s} value={s}>
              {t(`requestFilters.sortFields.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-inline">
        <label htmlFor={ids.dir}>{t('requestFilters.direction')}</label>
        <select
          id={ids.dir}
          value={order.dir}
          onChange={(e) => onSort({ sort: order.sort, dir: e.target.value as OrderDirection })}
        >
          <option value="ASC">{t('requestFilters.ascending')}</option>
          <option value="DESC">{t('requestFilters.descending')}</option>
        </select>
      </div>
    </div>
  );
}
