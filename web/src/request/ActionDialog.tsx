import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import type { RequestAction } from '../gql/graphql';
import { ErrorMessage } from '../components/Status';
import { firstCode, inputProblem, reasonMessage } from '../graphql/errors';
import type { RequestData } from './RequestPage';
import { UploadProgress } from './DraftAttachments';
import { sendWithFiles } from '../graphql/upload';
import type { CombinedError } from '@urql/core';

const TransitionRequestDocument = graphql(`
  mutation TransitionRequest($input: TransitionRequestInput!) {
    transitionRequest(input: $input) {
      request {
        id
        state
        version
        actions {
          action
          textRequired
        }
        updatedAt
      }
    }
  }
`);

/** A modal dialog that confirms one lifecycle action, with its text where it takes one. */
export function ActionDialog({
  request,
  action,
  onClose,
  onStale,
}: {
  request: RequestData;
  action: RequestAction;
  /** `withFiles`: the action went as a multipart request, which urql's cache does not see. */
  onClose: (done: RequestAction | null, withFiles?: boolean) => void;
  /** The request changed meanwhile: read it again (the dialog stays open with the message). */
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const [{ fetching: sending, error: mutationError }, transition] = useMutation(TransitionRequestDocument);
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<CombinedError | null>(null);
  const fetching = sending || progress !== null;
  const error = uploadError ?? mutationError;
  const fileId = useId();
  const required = request.actions.find((a) => a.action === action)?.textRequired ?? false;
  const titleId = useId();
  const textId = useId();
  const problemId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const problem = error ? inputProblem(error) : null;
  const textProblem = missing ? 'REQUIRED' : problem?.field.endsWith('text') ? problem.reason : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    // The files of an action go with its text.
    if ((required || files.length > 0) && !text.trim()) {
      setMissing(true);
      return;
    }
    setUploadError(null);
    if (files.length > 0) {
      setProgress(0);
      const sent = await sendWithFiles(
        TransitionRequestDocument,
        {
          input: {
            requestId: request.id,
            version: request.version,
            action,
            text,
            attachments: files.map(() => null) as unknown as File[],
          },
        },
        files.map((file, i) => ({ path: `variables.input.attachments.${i}`, file })),
        setProgress,
      );
      setProgress(null);
      if (sent.data?.transitionRequest) onClose(action, true);
      else {
        setUploadError(sent.error);
        if (sent.error && ['CONFLICT', 'ACTION_NOT_ALLOWED'].includes(firstCode(sent.error))) onStale();
      }
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
        <div className="field">
          <label htmlFor={fileId}>
            {t('files.attach')} <span className="optional">{t('common.optional')}</span>
          </label>
          <input
            id={fileId}
            type="file"
            multiple
            disabled={fetching}
            onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
          />
        </div>
        {progress !== null && <UploadProgress fraction={progress} label={t('files.uploading')} />}
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
