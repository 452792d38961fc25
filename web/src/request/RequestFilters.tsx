import { useId, useRef, useState, type FormEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckGroup, DayRangeField, idOptions } from './FilterControls';
import { useAgentOptions, useCompanyOptions, useRequesterOptions } from './filterOptions';
import {
  activeFilterCount,
  CATEGORIES,
  cleanSearch,
  KINDS,
  rangeProblem,
  SEARCH_MAX,
  UNASSIGNED,
  URGENCIES,
  type ListFilters,
  type ListOffer,
  type RangeField,
  type RequestListState,
} from './listParams';

function filtersOf(state: RequestListState): ListFilters {
  const { states, urgencies, categories, kinds, companies, assignees, requesters, ranges, search } = state;
  return { states, urgencies, categories, kinds, companies, assignees, requesters, ranges, search };
}

/**
 * The search box and, in a disclosure, every filter the list offers. Changes are applied
 * together (Enter, "Search" or "Apply the filters"), each as one step of the browser's history.
 */
export function RequestFilters({
  current,
  offer,
  staff,
  open,
  onToggle,
  onApply,
  summaryRef,
}: {
  current: RequestListState;
  offer: ListOffer;
  staff: boolean;
  open: boolean;
  onToggle: (open: boolean) => void;
  onApply: (filters: ListFilters) => void;
  summaryRef: Ref<HTMLElement>;
}) {
  const { t, i18n } = useTranslation();
  const applied = filtersOf(current);
  const appliedKey = JSON.stringify(applied);
  const [draft, setDraft] = useState<ListFilters>(applied);
  const [draftOf, setDraftOf] = useState(appliedKey);
  const [showProblems, setShowProblems] = useState(false);
  // Back, forward or a link changed the list: the form shows what it now holds.
  if (draftOf !== appliedKey) {
    setDraftOf(appliedKey);
    setDraft(applied);
    setShowProblems(false);
  }
  const firstDates = useRef<Partial<Record<RangeField, HTMLInputElement | null>>>({});
  const ids = { search: useId(), searchHint: useId() };

  const locale = i18n.language;
  const companies = useCompanyOptions(!(offer.company && open), locale);
  const agents = useAgentOptions(!(offer.assignee && open), locale);
  // The support picks requesters within companies (there are too many people otherwise).
  const requesterScope = staff ? 'TEAM' : current.scope;
  const requestersOffered = offer.requester && (!staff || draft.companies.length > 0);
  const requesters = useRequesterOptions(!(requestersOffered && open), requesterScope, draft.companies, locale);

  function set<K extends keyof ListFilters>(key: K, value: ListFilters[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const bad = offer.ranges.find((r) => rangeProblem(draft.ranges[r]));
    if (bad) {
      setShowProblems(true);
      onToggle(true);
      // After the disclosure opens.
      setTimeout(() => firstDates.current[bad]?.focus(), 0);
      return;
    }
    onApply({ ...draft, search: cleanSearch(draft.search) });
  }

  const count = activeFilterCount({ ...applied, search: '' });

  return (
    <form className="request-filters" role="search" aria-label={t('requestFilters.formLabel')} onSubmit={submit} noValidate>
      <div className="search-row">
        <div className="field">
          <label htmlFor={ids.search}>{t('requestFilters.search')}</label>
          <p className="hint" id={ids.searchHint}>
            {t('requestFilters.searchHint', { max: SEARCH_MAX })}
          </p>
          <div className="search-input">
            <input
              id={ids.search}
              type="search"
              maxLength={SEARCH_MAX}
              value={draft.search}
              aria-describedby={ids.searchHint}
              onChange={(e) => set('search', e.target.value)}
            />
            <button type="submit">{t('requestFilters.searchSubmit')}</button>
          </div>
        </div>
      </div>

      <details className="filter-panel" open={open} onToggle={(e) => onToggle(e.currentTarget.open)}>
        <summary ref={summaryRef}>
          {t('requestFilters.filters')}
          {count > 0 && <span className="count">{t('requestFilters.activeCount', { count })}</span>}
        </summary>
        <div className="filter-body">
          <div className="filter-groups">
            {offer.states.length > 0 && (
              <CheckGroup
                legend={t('fields.state')}
                options={offer.states.map((s) => ({ value: s, label: t(`states.${s}`) }))}
                selected={draft.states}
                onChange={(v) => set('states', v)}
              />
            )}
            <CheckGroup
              legend={t('fields.urgency')}
              options={URGENCIES.map((u) => ({ value: u, label: t(`urgencies.${u}`) }))}
              selected={draft.urgencies}
              onChange={(v) => set('urgencies', v)}
            />
            <CheckGroup
              legend={t('fields.category')}
              options={CATEGORIES.map((c) => ({ value: c, label: t(`categories.${c}`) }))}
              selected={draft.categories}
              onChange={(v) => set('categories', v)}
            />
            <CheckGroup
              legend={t('fields.kind')}
              hint={t('requestFilters.kindHint')}
              options={KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
              selected={draft.kinds}
              onChange={(v) => set('kinds', v)}
            />
            {offer.company && (
              <CheckGroup
                legend={t('fields.company')}
                hint={t(companies.more ? 'requestFilters.companyHintFirst' : 'requestFilters.companyHint')}
                long
                options={idOptions(companies.options, draft.companies)}
                selected={draft.companies}
                onChange={(v) => set('companies', v)}
              >
                {companies.fetching && <p className="muted">{t('common.loading')}</p>}
              </CheckGroup>
            )}
            {offer.assignee && (
              <CheckGroup
                legend={t('requestFilters.assignee')}
                long
                options={[
                  { value: UNASSIGNED, label: t('requestFilters.unassigned') },
                  ...idOptions(agents.options, draft.assignees.filter((a) => a !== UNASSIGNED)),
                ]}
                selected={draft.assignees}
                onChange={(v) => set('assignees', v)}
              >
                {agents.fetching && <p className="muted">{t('common.loading')}</p>}
              </CheckGroup>
            )}
            {offer.requester && (
              <CheckGroup
                legend={t('requestFilters.requester')}
                hint={requestersOffered ? t('requestFilters.requesterHint') : t('requestFilters.requesterNeedsCompany')}
                long
                options={idOptions(requestersOffered ? requesters.options : [], draft.requesters)}
                selected={draft.requesters}
                onChange={(v) => set('requesters', v)}
              >
                {requestersOffered && requesters.fetching && <p className="muted">{t('common.loading')}</p>}
              </CheckGroup>
            )}
          </div>
          <div className="filter-dates">
            {offer.ranges.map((r) => (
              <DayRangeField
                key={r}
                legend={t(`requestFilters.ranges.${r}`)}
                value={draft.ranges[r]}
                showProblem={showProblems}
                fromRef={(el) => {
                  firstDates.current[r] = el;
                }}
                onChange={(range) => set('ranges', { ...draft.ranges, [r]: range })}
              />
            ))}
          </div>
          <div className="form-actions">
            <button type="submit" className="button-primary">
              {t('requestFilters.apply')}
            </button>
          </div>
        </div>
      </details>
    </form>
  );
}
