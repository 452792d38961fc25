import { useId, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import type { InputProblem } from '../gql/graphql';
import { reasonMessage } from '../graphql/errors';
import { FieldShell } from './FieldShell';

/**
 * One labelled text field with its hint and its problem (by the schema's field name), the
 * hint and problem tied to the input for screen readers. `problemText` words a problem
 * (default: the plain message for its reason).
 */
export function TextField({
  label,
  value,
  onChange,
  problem,
  hint,
  problemText,
  ...extra
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  problem: InputProblem | undefined;
  hint?: string;
  problemText?: (problem: InputProblem) => string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <FieldShell
      id={id}
      label={label}
      hint={hint}
      problem={problem && (problemText ? problemText(problem) : reasonMessage(t, problem.reason, problem.message))}
      control={(describedBy) => (
        <input
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy}
          {...extra}
        />
      )}
    />
  );
}
