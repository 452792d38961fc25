import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../components/format';
import { NodeName } from './FilterControls';
import { activeFilterCount, NO_FILTERS, RANGE_FIELDS, UNASSIGNED, type ListFilters } from './listParams';

interface Chip {
  key: string;
  field: string;
  value: ReactNode;
  without: Partial<ListFilters>;
}

/** The filters in use, each a button that removes it, and "Clear the filters". */
export function ActiveFilters({
  current,
  onChange,
}: {
  current: ListFilters;
  onChange: (next: Partial<ListFilters>) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const titleId = useId();
  if (activeFilterCount(current) === 0) return null;

  const chips: Chip[] = [];
  function list<K extends 'states' | 'urgencies' | 'categories' | 'kinds' | 'companies' | 'assignees' | 'requesters'>(
    key: K,
    field: string,
    label: (value: ListFilters[K][number]) => ReactNode,
  ) {
    const values = current[key] as ListFilters[K][number][];
    for (const v of values) {
      chips.push({ key: `${key}-${v}`, field, value: label(v), without: { [key]: values.filter((x) => x !== v) } });
    }
  }
  list('states', t('fields.state'), (s) => t(`states.${s}`));
  list('urgencies', t('fields.urgency'), (u) => t(`urgencies.${u}`));
  list('categories', t('fields.category'), (c) => t(`categories.${c}`));
  list('kinds', t('fields.kind'), (k) => t(`kinds.${k}`));
  list('companies', t('fields.company'), (id) => <NodeName id={id} />);
  list('assignees', t('requestFilters.assignee'), (id) =>
    id === UNASSIGNED ? t('requestFilters.unassigned') : <NodeName id={id} />,
  );
  list('requesters', t('requestFilters.requester'), (id) => <NodeName id={id} />);
  for (const r of RANGE_FIELDS) {
    const { from, to } = current.ranges[r];
    if (!from && !to) continue;
    const value =
      from && to
        ? t('requestFilters.rangeBoth', { from: format.day(from), to: format.day(to) })
        : from
          ? t('requestFilters.rangeFrom', { from: format.day(from) })
          : t('requestFilters.rangeTo', { to: format.day(to) });
    chips.push({
      key: `range-${r}`,
      field: t(`requestFilters.ranges.${r}`),
      value,
      without: { ranges: { ...current.ranges, [r]: { from: '', to: '' } } },
    });
  }
  if (current.search) {
    chips.push({
      key: 'search',
      field: t('requestFilters.text'),
      value: t('requestFilters.quoted', { text: current.search }),
      without: { search: '' },
    });
  }

  return (
    <div className="active-filters">
      <p id={titleId} className="active-filters-title">
        {t('requestFilters.active')}
      </p>
      <ul aria-labelledby={titleId}>
        {chips.map((c) => (
          <li key={c.key}>
            <button type="button" className="chip" onClick={() => onChange(c.without)}>
              <span>
                {t('requestFilters.fieldLabel', { field: c.field })} {c.value}
              </span>
              <span aria-hidden="true" className="chip-x">
                ×
              </span>
              <span className="visually-hidden"> {t('requestFilters.remove')}</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="button-link" onClick={() => onChange(NO_FILTERS)}>
        {t('requestFilters.clear')}
      </button>
    </div>
  );
}
