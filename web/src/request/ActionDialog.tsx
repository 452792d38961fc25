import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import type { RequestAction } from '../gql/graphql';
import { ErrorMessage } from '../components/Status';
import { firstCode, inputProblem, reasonMessage } from '../graphql/errors';
import { isSupportStaff } from '../capabilities';
import { useSession } from '../session';
import type { RequestData } from './RequestPage';

const TransitionRequestDocument = graphql(`
  mutation TransitionRequest($input: TransitionRequestInput!) {
    transitionRequest(input: $input) {
      request {
        id
        state
        version
        allowedActions
        updatedAt
      }
    }
  }
`);

/** Whether the lifecycle needs a text with this action (TransitionRequestInput.text). */
export function textRequired(action: RequestAction, staff: boolean): boolean {
  switch (action) {
    case 'REQUEST_CLARIFICATION':
    case 'CLARIFY':
    case 'REFUSE_CLOSURE':
    case 'PROPOSE_CLOSURE':
      return true;
    case 'CLOSE':
      return staff;
    default:
      return false;
  }
}

/** A modal dialog that confirms one lifecycle action, with its text where it takes one. */
export function ActionDialog({
  request,
  action,
  onClose,
  onStale,
}: {
  request: RequestData;
  action: RequestAction;
  onClose: (done: RequestAction | null) => void;
  /** The request changed meanwhile: read it again (the dialog stays open with the message). */
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const [{ fetching, error }, transition] = useMutation(TransitionRequestDocument);
  const required = textRequired(action, isSupportStaff(viewer));
  const titleId = useId();
  const textId = useId();
  const problemId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const problem = inputProblem(error);
  const textProblem = missing ? 'REQUIRED' : problem?.field.endsWith('text') ? problem.reason : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (required && !text.trim()) {
      setMissing(true);
      return;
    }
    const result = await transition({
      input: {
        requestId: request.id,
        version: request.version,
        action,
        ...(text.trim() ? { text } : {}),
      },
    });
    if (result.data?.transitionRequest) onClose(action);
    else if (result.error && ['CONFLICT', 'ACTION_NOT_ALLOWED'].includes(firstCode(result.error))) onStale();
  }

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose(null);
      }}
    >
      <form onSubmit={submit} noValidate className="form">
        <h2 id={titleId}>{t(`actions.${action}`)}</h2>
        <p className="hint">{t(`actionHelp.${action}`)}</p>
        {error && !textProblem && <ErrorMessage error={error} />}
        <div className="field">
          <label htmlFor={textId}>
            {t(`actionText.${action}`)}
            {!required && <span className="optional"> {t('common.optional')}</span>}
          </label>
          <textarea
            id={textId}
            rows={6}
            maxLength={20000}
            value={text}
            required={required}
            aria-invalid={textProblem ? true : undefined}
            aria-describedby={textProblem ? problemId : undefined}
            onChange={(e) => {
              setText(e.target.value);
              setMissing(false);
            }}
          />
          {textProblem && (
            <p className="field-problem" id={problemId}>
              {reasonMessage(t, textProblem)}
            </p>
          )}
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={fetching}>
            {t(`actions.${action}`)}
          </button>
          <button type="button" onClick={() => onClose(null)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
