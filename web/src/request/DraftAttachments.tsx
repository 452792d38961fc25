import { useId, useRef, useState } from 'react';
import type { CombinedError } from '@urql/core';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { useFormat } from '../components/format';
import { ErrorMessage } from '../components/Status';
import { sendWithFiles } from '../graphql/upload';
import { attachmentHref } from './attachmentHref';

export const AddDraftAttachmentsDocument = graphql(`
  mutation AddDraftAttachments($input: AddDraftAttachmentsInput!) {
    addDraftAttachments(input: $input) {
      request {
        id
        version
        attachments {
          id
          fileName
          sizeBytes
          url
        }
      }
    }
  }
`);

const RemoveDraftAttachmentDocument = graphql(`
  mutation RemoveDraftAttachment($input: RemoveDraftAttachmentInput!) {
    removeDraftAttachment(input: $input) {
      request {
        id
        version
        attachments {
          id
          fileName
          sizeBytes
          url
        }
      }
    }
  }
`);

export interface DraftFile {
  id: string;
  fileName: string;
  sizeBytes: number;
  url: string;
}

/** A progress bar for an upload, with its percentage in words. */
export function UploadProgress({ fraction, label }: { fraction: number; label: string }) {
  const { t } = useTranslation();
  const percent = Math.round(fraction * 100);
  return (
    <div className="upload-progress">
      <progress max={100} value={percent} aria-label={label} />
      <span aria-hidden="true">{t('files.percent', { percent })}</span>
    </div>
  );
}

/**
 * The files of a draft: upload (the draft is saved first if it is new) with a progress bar,
 * and removal. `onChange` gets the list and the draft's new version.
 */
export function DraftAttachments({
  attachments,
  ensureDraft,
  onChange,
}: {
  attachments: DraftFile[];
  ensureDraft: () => Promise<{ id: string } | null>;
  onChange: (files: DraftFile[], version: number) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<CombinedError | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [removal, remove] = useMutation(RemoveDraftAttachmentDocument);

  async function upload(list: FileList | null) {
    const files = Array.from(list ?? []);
    if (files.length === 0) return;
    setUploadError(null);
    setStatus(null);
    const draft = await ensureDraft();
    if (!draft) return;
    setProgress(0);
    const result = await sendWithFiles(
      AddDraftAttachmentsDocument,
      { input: { requestId: draft.id, files: files.map(() => null) as unknown as File[] } },
      files.map((file, i) => ({ path: `variables.input.files.${i}`, file })),
      setProgress,
    );
    setProgress(null);
    if (inputRef.current) inputRef.current.value = '';
    const request = result.data?.addDraftAttachments.request;
    if (request) {
      onChange(request.attachments, request.version);
      setStatus(t('files.added', { count: files.length }));
    } else setUploadError(result.error);
  }

  return (
    <fieldset className="draft-files">
      <legend>{t('files.title')}</legend>
      <p className="hint" id={hintId}>
        {t('files.hint')}
      </p>
      <div className="field">
        <label htmlFor={inputId}>{t('files.add')}</label>
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          multiple
          disabled={progress !== null}
          aria-describedby={hintId}
          onChange={(e) => void upload(e.target.files)}
        />
      </div>
      {progress !== null && <UploadProgress fraction={progress} label={t('files.uploading')} />}
      <p className="notice" role="status">
        {status}
      </p>
      {uploadError && <ErrorMessage error={uploadError} />}
      {removal.error && <ErrorMessage error={removal.error} />}
      {attachments.length > 0 && (
        <ul className="attachments file-list">
          {attachments.map((a) => (
            <li key={a.id}>
              <a href={attachmentHref(a.url)} download={a.fileName}>
                {a.fileName}
              </a>{' '}
              <span className="muted">({format.bytes(a.sizeBytes)})</span>{' '}
              <button
                type="button"
                className="button-link"
                disabled={removal.fetching}
                onClick={async () => {
                  setStatus(null);
                  const result = await remove({ input: { attachmentId: a.id } });
                  const request = result.data?.removeDraftAttachment.request;
                  if (request) {
                    onChange(request.attachments, request.version);
                    setStatus(t('files.removed', { name: a.fileName }));
                  }
                }}
              >
                {t('files.remove')}
                <span className="visually-hidden"> {a.fileName}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
