import { useId, type ComponentProps } from 'react';
import { Link, NavLink } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { CombinedError } from '@urql/core';
import type { InputProblem } from '../gql/graphql';
import { inputProblem, reasonMessage } from '../graphql/errors';
import { problemFor } from '../forms';
import { TextField as SharedTextField } from '../components/TextField';
import { durationParts, type DaysHours, type DurationField } from './durations';

/**
 * A form's problems after an answer: those of the payload, plus the field named by a
 * `BAD_USER_INPUT` error (`extensions.field`) when it is one of the form's.
 */
export function answerProblems(
  payloadProblems: readonly InputProblem[] | undefined,
  error: CombinedError | undefined,
  formFields: readonly string[],
): { problems: InputProblem[]; fieldError: boolean } {
  const problems = [...(payloadProblems ?? [])];
  const fromError = inputProblem(error);
  const known = fromError && formFields.some((f) => fromError.field === f || fromError.field.endsWith(`.${f}`));
  if (fromError && known) problems.push({ ...fromError, reason: fromError.reason as InputProblem['reason'], message: '' });
  return { problems, fieldError: Boolean(known) };
}

export const problemOf = problemFor<InputProblem>;

/** A problem as a sentence; durations say their allowed range. */
export function useProblemText(): (problem: InputProblem) => string {
  const { t } = useTranslation();
  return (problem) => {
    const field = problem.field.split('.').pop();
    if (field === 'autoCloseAfterSeconds' || field === 'reopenWindowSeconds') {
      const which = field === 'autoCloseAfterSeconds' ? 'autoClose' : 'reopen';
      if (problem.reason === 'OUT_OF_RANGE') return t(`operator.durations.${which}Range`);
      if (problem.reason === 'REQUIRED') return t('operator.durations.required');
      if (problem.reason === 'INVALID_FORMAT') return t('operator.durations.wholeNumbers');
    }
    return reasonMessage(t, problem.reason, problem.message);
  };
}

/** One labelled text field; durations' problems say their allowed range. */
export function TextField(props: ComponentProps<typeof SharedTextField>) {
  const problemText = useProblemText();
  return <SharedTextField problemText={problemText} {...props} />;
}

/** A duration typed as days and hours: a group of two boxes, its hint and its problem. */
export function DurationFieldset({
  field,
  value,
  onChange,
  problem,
}: {
  field: DurationField;
  value: DaysHours;
  onChange: (value: DaysHours) => void;
  problem: InputProblem | undefined;
}) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const id = useId();
  const which = field === 'autoCloseAfterSeconds' ? 'autoClose' : 'reopen';
  const described = [`${id}-hint`, problem ? `${id}-problem` : null].filter(Boolean).join(' ');
  const box = (unit: 'days' | 'hours') => (
    <div className="field duration-box">
      <label htmlFor={`${id}-${unit}`}>{t(`operator.durations.${unit}Label`)}</label>
      <input
        id={`${id}-${unit}`}
        inputMode="numeric"
        autoComplete="off"
        maxLength={6}
        value={value[unit]}
        onChange={(e) => onChange({ ...value, [unit]: e.target.value })}
        aria-invalid={problem ? true : undefined}
        aria-describedby={described}
      />
    </div>
  );
  return (
    <fieldset className="duration-fieldset">
      <legend>{t(`operator.durations.${which}`)}</legend>
      <p className="hint" id={`${id}-hint`}>
        {t(`operator.durations.${which}Hint`)}
      </p>
      <div className="duration-boxes">
        {box('days')}
        {box('hours')}
      </div>
      {problem && (
        <p className="field-problem" id={`${id}-problem`}>
          {problemText(problem)}
        </p>
      )}
    </fieldset>
  );
}

/** Seconds in days, hours… in the page's language ("none" for zero). */
export function useDurationText(): (seconds: number) => string {
  const { t } = useTranslation();
  return (seconds) => {
    const parts = durationParts(seconds);
    if (parts.length === 0) return t('operator.durations.none');
    return parts.map(({ unit, count }) => t(`operator.durations.${unit}`, { count })).join(' ');
  };
}

/** The operator area's own navigation: companies, support staff. */
export function OperatorNav() {
  const { t } = useTranslation();
  return (
    <nav className="segmented operator-nav" aria-label={t('operator.areaNavigation')}>
      <NavLink to="/operator" end>
        {t('operator.companies.title')}
      </NavLink>
      <NavLink to="/operator/staff">{t('operator.staff.title')}</NavLink>
    </nav>
  );
}

/** What anyone but the platform operator sees at the operator's addresses. */
export function NotAllowed({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <div className="narrow">
      <h1>{title}</h1>
      <div className="card">
        <p className="status status-error" role="alert">
          {t('operator.notAllowed')}
        </p>
        <p>
          <Link to="/requests">{t('operator.backToRequests')}</Link>
        </p>
      </div>
    </div>
  );
}
