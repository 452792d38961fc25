import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { rangeProblem, type DayRange } from './listParams';
import { useNodeName } from './filterOptions';

export interface CheckOption<T extends string> {
  value: T;
  label: ReactNode;
}

/** A group of check boxes: several values at once. */
export function CheckGroup<T extends string>({
  legend,
  options,
  selected,
  onChange,
  hint,
  long = false,
  children,
}: {
  legend: string;
  options: CheckOption<T>[];
  selected: T[];
  onChange: (values: T[]) => void;
  hint?: string;
  /** Many options: a scrolling list. */
  long?: boolean;
  children?: ReactNode;
}) {
  const hintId = useId();
  return (
    <fieldset className={long ? 'filter-group filter-group-long' : 'filter-group'} aria-describedby={hint ? hintId : undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {options.length > 0 && (
        <ul className="check-list">
          {options.map((o) => (
            <li key={o.value}>
              <label>
                <input
                  type="checkbox"
                  checked={selected.includes(o.value)}
                  onChange={(e) =>
                    onChange(e.target.checked ? [...selected, o.value] : selected.filter((v) => v !== o.value))
                  }
                />{' '}
                {o.label}
              </label>
            </li>
          ))}
        </ul>
      )}
      {children}
    </fieldset>
  );
}

/** The name of a company or contact by its ID, while its options are not (yet) known. */
export function NodeName({ id }: { id: string }) {
  const { t } = useTranslation();
  const { name, fetching } = useNodeName(id);
  return <>{name ?? (fetching ? '…' : t('requestFilters.unknownValue'))}</>;
}

/** Options for ID values: the known ones, and the chosen ones that are not among them. */
export function idOptions(
  options: { id: string; label: string }[],
  selected: string[],
): CheckOption<string>[] {
  const known = options.map((o) => ({ value: o.id, label: o.label as ReactNode }));
  const extra = selected
    .filter((id) => !options.some((o) => o.id === id))
    .map((id) => ({ value: id, label: <NodeName id={id} /> }));
  return [...extra, ...known];
}

/** Two date inputs: whole days, both included. */
export function DayRangeField({
  legend,
  value,
  onChange,
  showProblem,
  fromRef,
}: {
  legend: string;
  value: DayRange;
  onChange: (range: DayRange) => void;
  showProblem: boolean;
  fromRef?: (el: HTMLInputElement | null) => void;
}) {
  const { t } = useTranslation();
  const ids = { from: useId(), to: useId(), problem: useId() };
  const problem = showProblem ? rangeProblem(value) : null;
  return (
    <fieldset className="filter-group date-range" aria-describedby={problem ? ids.problem : undefined}>
      <legend>{legend}</legend>
      <div className="date-range-inputs">
        <div className="field">
          <label htmlFor={ids.from}>{t('requestFilters.from')}</label>
          <input
            id={ids.from}
            ref={fromRef}
            type="date"
            min="1970-01-01"
            max="9999-12-31"
            value={value.from}
            aria-invalid={problem ? true : undefined}
            onChange={(e) => onChange({ ...value, from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>{t('requestFilters.to')}</label>
          <input
            id={ids.to}
            type="date"
            min="1970-01-01"
            max="9999-12-31"
            value={value.to}
            aria-invalid={problem ? true : undefined}
            onChange={(e) => onChange({ ...value, to: e.target.value })}
          />
        </div>
      </div>
      {problem && (
        <p className="field-problem" id={ids.problem}>
          {t(`requestFilters.rangeProblems.${problem}`)}
        </p>
      )}
    </fieldset>
  );
}
