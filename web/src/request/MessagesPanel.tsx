import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { RequestSide } from '../gql/graphql';
import { personName, useFormat } from '../components/format';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { inputProblem, reasonMessage } from '../graphql/errors';
import { AttachmentList } from './AttachmentsPanel';
import { UploadProgress } from './DraftAttachments';
import { sendWithFiles } from '../graphql/upload';
import type { CombinedError } from '@urql/core';
import type { RequestData } from './RequestPage';

const MessagesDocument = graphql(`
  query RequestMessages($id: ID!, $side: RequestSide, $after: String) {
    request(id: $id) {
      id
      messages(first: 20, after: $after, side: $side) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            side
            action
            body
            createdAt
            author {
              id
              firstName
              lastName
            }
            attachments {
              id
              fileName
              sizeBytes
              url
            }
          }
        }
      }
    }
  }
`);

const AddMessageDocument = graphql(`
  mutation AddRequestMessage($input: AddRequestMessageInput!) {
    addRequestMessage(input: $input) {
      request {
        id
        version
        updatedAt
      }
      message {
        id
      }
    }
  }
`);

type SideFilter = 'ALL' | 'CUSTOMER' | 'SUPPORT';

export function MessagesPanel({
  request,
  canMessage,
  composeRequest,
  reload,
  onSent,
}: {
  request: RequestData;
  canMessage: boolean;
  /** Bumped when the "Add a message" button asks for the message box. */
  composeRequest: number;
  /** Bumped when messages were written elsewhere in a way urql's cache does not see. */
  reload: number;
  onSent: () => void;
}) {
  const { t } = useTranslation();
  const [side, setSide] = useState<SideFilter>('ALL');
  const [pages, setPages] = useState<(string | null)[]>([null]);
  const [generation, setGeneration] = useState(0);
  const sideId = useId();

  return (
    <div className="messages">
      <div className="list-toolbar">
        <div className="field field-inline">
          <label htmlFor={sideId}>{t('messages.show')}</label>
          <select
            id={sideId}
            value={side}
            onChange={(e) => {
              setSide(e.target.value as SideFilter);
              setPages([null]);
            }}
          >
            <option value="ALL">{t('messages.all')}</option>
            <option value="CUSTOMER">{t('messages.customer')}</option>
            <option value="SUPPORT">{t('messages.support')}</option>
          </select>
        </div>
      </div>
      <ol className="message-list" aria-label={t('request.tabs.messages')}>
        {pages.map((after, index) => (
          <MessagePage
            key={`${side}-${after ?? ''}-${generation}-${reload}`}
            requestId={request.id}
            side={side === 'ALL' ? null : side}
            after={after}
            first={index === 0}
            last={index === pages.length - 1}
            onMore={(cursor) => setPages([...pages, cursor])}
          />
        ))}
      </ol>
      {canMessage && (
        <AddMessageForm
          requestId={request.id}
          composeRequest={composeRequest}
          onSent={(withFiles) => {
            // A multipart request bypasses urql's cache: read the messages again.
            if (withFiles) setGeneration((g) => g + 1);
            onSent();
          }}
        />
      )}
    </div>
  );
}

function MessagePage({
  requestId,
  side,
  after,
  first,
  last,
  onMore,
}: {
  requestId: string;
  side: RequestSide | null;
  after: string | null;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [{ data, fetching, error }] = useQuery({ query: MessagesDocument, variables: { id: requestId, side, after } });
  const connection = data?.request?.messages;
  if (error) return <li><ErrorMessage error={error} /></li>;
  if (!connection) return fetching ? <li><Loading /></li> : null;
  return (
    <>
      {first && connection.edges.length === 0 && (
        <li>
          <Empty>{t('messages.none')}</Empty>
        </li>
      )}
      {connection.edges.map(({ node }) => (
        <li key={node.id} className={`message message-${node.side.toLowerCase()}`}>
          <article aria-label={t('messages.from', { name: personName(node.author) || t(`sides.${node.side}`) })}>
            <header className="message-header">
              <span className="message-author">{personName(node.author) || t(`sides.${node.side}`)}</span>
              <span className="badge">{t(`sides.${node.side}`)}</span>
              {node.action && node.action !== 'ADD_MESSAGE' && <span className="badge">{t(`actions.${node.action}`)}</span>}
              <time dateTime={node.createdAt}>{format.dateTime(node.createdAt)}</time>
            </header>
            <p className="prose">{node.body}</p>
            {node.attachments.length > 0 && <AttachmentList attachments={node.attachments} />}
          </article>
        </li>
      ))}
      {last && connection.pageInfo.hasNextPage && connection.pageInfo.endCursor && (
        <li className="more">
          <button type="button" onClick={() => onMore(connection.pageInfo.endCursor ?? '')}>
            {t('common.showMore')}
          </button>
        </li>
      )}
    </>
  );
}

function AddMessageForm({
  requestId,
  composeRequest,
  onSent,
}: {
  requestId: string;
  composeRequest: number;
  onSent: (withFiles: boolean) => void;
}) {
  const { t } = useTranslation();
  const messageBox = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (composeRequest > 0) {
      messageBox.current?.focus();
      messageBox.current?.scrollIntoView({ block: 'center' });
    }
  }, [composeRequest]);
  const [body, setBody] = useState('');
  const [missing, setMissing] = useState(false);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [{ fetching: sending, error: mutationError }, add] = useMutation(AddMessageDocument);
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<CombinedError | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const fetching = sending || progress !== null;
  const error = uploadError ?? mutationError;
  const id = useId();
  const fileId = useId();
  const problemId = useId();
  const problem = missing ? 'REQUIRED' : error ? inputProblem(error)?.reason : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!body.trim()) {
      setMissing(true);
      messageBox.current?.focus();
      return;
    }
    setUploadError(null);
    if (files.length > 0) {
      setProgress(0);
      const result = await sendWithFiles(
        AddMessageDocument,
        { input: { requestId, body, idempotencyKey: key, attachments: files.map(() => null) as unknown as File[] } },
        files.map((file, i) => ({ path: `variables.input.attachments.${i}`, file })),
        setProgress,
      );
      setProgress(null);
      if (result.data?.addRequestMessage) {
        setBody('');
        setFiles([]);
        if (fileInput.current) fileInput.current.value = '';
        setKey(crypto.randomUUID());
        onSent(true);
      } else setUploadError(result.error);
      return;
    }
    const result = await add({ input: { requestId, body, idempotencyKey: key } });
    if (result.data?.addRequestMessage) {
      setBody('');
      setKey(crypto.randomUUID());
      onSent(false);
    }
  }

  return (
    <form className="form card add-message" onSubmit={submit} noValidate>
      <h2>{t('messages.addTitle')}</h2>
      {error && !problem && <ErrorMessage error={error} />}
      <div className="field">
        <label htmlFor={id}>{t('messages.body')}</label>
        <textarea
          id={id}
          ref={messageBox}
          rows={5}
          maxLength={20000}
          value={body}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
          onChange={(e) => {
            setBody(e.target.value);
            setMissing(false);
          }}
        />
        {problem && (
          <p className="field-problem" id={problemId}>
            {reasonMessage(t, problem)}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={fileId}>
          {t('files.attach')} <span className="optional">{t('common.optional')}</span>
        </label>
        <input
          ref={fileInput}
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
          {t('messages.send')}
        </button>
      </div>
    </form>
  );
}
