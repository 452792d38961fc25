import type { ReactNode } from 'react';

/**
 * A form field's label, hint and problem around its control, the hint and problem tied to the
 * control for screen readers: `control` receives the IDs for its `aria-describedby`.
 */
export function FieldShell({
  id,
  label,
  hint,
  problem,
  control,
}: {
  /** The control's ID (the label points at it). */
  id: string;
  label: string;
  hint?: string;
  /** The problem's words, if any. */
  problem?: string;
  control: (describedBy: string | undefined) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : null, problem ? `${id}-problem` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {control(describedBy)}
      {problem && (
        <p className="field-problem" id={`${id}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}
