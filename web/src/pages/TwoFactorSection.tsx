import { useEffect, useId, useRef, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient, useMutation } from 'urql';
import { graphql } from '../gql';
import type { InputProblem, TwoFactorEnrollment } from '../gql/graphql';
import { ErrorMessage } from '../components/Status';
import { reasonMessage } from '../graphql/errors';
import { useSession, ViewerDocument } from '../session';

const BeginEnrollmentDocument = graphql(`
  mutation BeginTwoFactorEnrollment($input: BeginTwoFactorEnrollmentInput!) {
    beginTwoFactorEnrollment(input: $input) {
      enrollment {
        secret
        otpauthUri
        qrCodeSvg
      }
      problems {
        field
        reason
        message
      }
    }
  }
`);

const ConfirmTwoFactorDocument = graphql(`
  mutation ConfirmTwoFactor($input: ConfirmTwoFactorInput!) {
    confirmTwoFactor(input: $input) {
      recoveryCodes
      problems {
        field
        reason
        message
      }
    }
  }
`);

const RegenerateRecoveryCodesDocument = graphql(`
  mutation RegenerateRecoveryCodes($input: RegenerateRecoveryCodesInput!) {
    regenerateRecoveryCodes(input: $input) {
      recoveryCodes
      problems {
        field
        reason
        message
      }
    }
  }
`);

const DisableTwoFactorDocument = graphql(`
  mutation DisableTwoFactor($input: DisableTwoFactorInput!) {
    disableTwoFactor(input: $input) {
      done
      problems {
        field
        reason
        message
      }
    }
  }
`);

function Field({
  label,
  value,
  onChange,
  problem,
  ...extra
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  problem: InputProblem | undefined;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        {...extra}
      />
      {problem && (
        <p className="field-problem" id={`${id}-problem`}>
          {reasonMessage(t, problem.reason, problem.message)}
        </p>
      )}
    </div>
  );
}

const problemOf = (problems: InputProblem[], field: string) =>
  problems.find((p) => p.field === field || p.field.endsWith(`.${field}`));

function missing(values: Record<string, string>): InputProblem[] {
  return Object.entries(values)
    .filter(([, v]) => !v.trim())
    .map(([field]) => ({ field, reason: 'REQUIRED', message: '' }));
}

/** The second factor in the profile: turn on (QR code, then a code), recovery codes, turn off. */
export function TwoFactorSection() {
  const { t } = useTranslation();
  const { viewer } = useSession();
  const client = useClient();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const mustEnroll = Boolean(viewer?.mustEnrollSecondFactor);
  const [mode, setMode] = useState<'idle' | 'enrol' | 'regenerate' | 'disable'>(mustEnroll ? 'enrol' : 'idle');
  const headingRef = useRef<HTMLHeadingElement>(null);

  // The person is sent here when their company requires a second factor: start there.
  useEffect(() => {
    if (mustEnroll) headingRef.current?.scrollIntoView();
  }, [mustEnroll]);

  /** Reads "who am I?" again (two-factor state, codes left) without leaving the page. */
  const refreshViewer = () => client.query(ViewerDocument, {}, { requestPolicy: 'network-only' }).toPromise();

  if (!viewer) return null;
  const enabled = viewer.twoFactorEnabled;

  return (
    <section className="card" aria-labelledby="profile-two-factor" id="two-factor">
      <h2 id="profile-two-factor" ref={headingRef} tabIndex={-1}>
        {t('twoFactor.title')}
      </h2>
      {mustEnroll && !codes && (
        <p className="warning" role="alert">
          {t('twoFactor.required')}
        </p>
      )}
      <p className="notice" role="status">
        {notice}
      </p>
      {codes ? (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null);
            setMode('idle');
          }}
        />
      ) : (
        <>
          <p>
            {enabled
              ? t('profile.twoFactorOn', { count: viewer.recoveryCodesLeft })
              : t('twoFactor.offExplained')}
          </p>
          {mode === 'idle' && (
            <div className="form-actions">
              {!enabled && (
                <button type="button" className="button-primary" onClick={() => setMode('enrol')}>
                  {t('twoFactor.turnOn')}
                </button>
              )}
              {enabled && (
                <>
                  <button type="button" onClick={() => setMode('regenerate')}>
                    {t('twoFactor.regenerate')}
                  </button>
                  <button type="button" onClick={() => setMode('disable')}>
                    {t('twoFactor.turnOff')}
                  </button>
                </>
              )}
            </div>
          )}
          {mode === 'enrol' && (
            <Enrollment
              canCancel={!mustEnroll}
              onCancel={() => setMode('idle')}
              onConfirmed={async (list) => {
                setNotice(t('twoFactor.turnedOn'));
                setCodes(list);
                await refreshViewer();
              }}
            />
          )}
          {(mode === 'regenerate' || mode === 'disable') && (
            <PasswordAndCode
              mode={mode}
              onCancel={() => setMode('idle')}
              onDone={async (list) => {
                if (list) {
                  setNotice(t('twoFactor.regenerated'));
                  setCodes(list);
                } else {
                  setNotice(t('twoFactor.turnedOff'));
                  setMode('idle');
                }
                await refreshViewer();
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function Enrollment({
  canCancel,
  onCancel,
  onConfirmed,
}: {
  canCancel: boolean;
  onCancel: () => void;
  onConfirmed: (codes: string[]) => void;
}) {
  const { t } = useTranslation();
  const [begin, beginEnrollment] = useMutation(BeginEnrollmentDocument);
  const [confirm, confirmTwoFactor] = useMutation(ConfirmTwoFactorDocument);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<InputProblem[]>([]);
  const [enrollment, setEnrollment] = useState<TwoFactorEnrollment | null>(null);
  const secretId = useId();

  async function start(event: FormEvent) {
    event.preventDefault();
    const local = missing({ currentPassword: password });
    setProblems(local);
    if (local.length) return;
    const result = await beginEnrollment({ input: { currentPassword: password } });
    const payload = result.data?.beginTwoFactorEnrollment;
    if (!payload) return;
    setProblems(payload.problems);
    if (payload.enrollment) {
      setEnrollment(payload.enrollment);
      setPassword('');
    }
  }

  async function finish(event: FormEvent) {
    event.preventDefault();
    const value = code.replace(/\s+/g, '');
    const local = missing({ code: value });
    setProblems(local);
    if (local.length) return;
    const result = await confirmTwoFactor({ input: { code: value, delivery: 'COOKIE' } });
    const payload = result.data?.confirmTwoFactor;
    if (!payload) return;
    setProblems(payload.problems);
    if (payload.recoveryCodes.length) onConfirmed(payload.recoveryCodes);
  }

  const cancel = canCancel && (
    <button type="button" onClick={onCancel}>
      {t('common.cancel')}
    </button>
  );

  if (!enrollment) {
    return (
      <form className="form" onSubmit={start} noValidate>
        <p className="hint">{t('twoFactor.step1')}</p>
        {begin.error && <ErrorMessage error={begin.error} />}
        <Field
          label={t('profile.currentPassword')}
          value={password}
          onChange={setPassword}
          problem={problemOf(problems, 'currentPassword')}
          type="password"
          autoComplete="current-password"
        />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={begin.fetching}>
            {t('twoFactor.continue')}
          </button>
          {cancel}
        </div>
      </form>
    );
  }

  const secretGroups = enrollment.secret.match(/.{1,4}/g)?.join(' ') ?? enrollment.secret;
  return (
    <form className="form" onSubmit={finish} noValidate>
      <p>{t('twoFactor.step2')}</p>
      <img
        className="qr-code"
        src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrollment.qrCodeSvg)}`}
        alt={t('twoFactor.qrAlt')}
        width={200}
        height={200}
      />
      <p className="hint" id={secretId}>
        {t('twoFactor.secretHint')}
      </p>
      <p className="secret" aria-describedby={secretId}>
        <code data-testid="totp-secret">{secretGroups}</code>
      </p>
      <p>
        <a href={enrollment.otpauthUri}>{t('twoFactor.openApp')}</a>
      </p>
      {confirm.error && <ErrorMessage error={confirm.error} />}
      <Field
        label={t('login.code')}
        value={code}
        onChange={setCode}
        problem={problemOf(problems, 'code')}
        inputMode="numeric"
        autoComplete="one-time-code"
      />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={confirm.fetching}>
          {t('twoFactor.confirm')}
        </button>
        {cancel}
      </div>
    </form>
  );
}

function PasswordAndCode({
  mode,
  onCancel,
  onDone,
}: {
  mode: 'regenerate' | 'disable';
  onCancel: () => void;
  onDone: (codes: string[] | null) => void;
}) {
  const { t } = useTranslation();
  const [regen, regenerate] = useMutation(RegenerateRecoveryCodesDocument);
  const [off, disable] = useMutation(DisableTwoFactorDocument);
  const { fetching, error } = mode === 'regenerate' ? regen : off;
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<InputProblem[]>([]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = code.replace(/\s+/g, '');
    const local = missing({ password, code: value });
    setProblems(local);
    if (local.length) return;
    const input = { password, code: value };
    if (mode === 'regenerate') {
      const payload = (await regenerate({ input })).data?.regenerateRecoveryCodes;
      if (!payload) return;
      setProblems(payload.problems);
      if (payload.recoveryCodes.length) onDone(payload.recoveryCodes);
    } else {
      const payload = (await disable({ input })).data?.disableTwoFactor;
      if (!payload) return;
      setProblems(payload.problems);
      if (payload.done) onDone(null);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <p className="hint">{mode === 'regenerate' ? t('twoFactor.regenerateHint') : t('twoFactor.turnOffHint')}</p>
      {error && <ErrorMessage error={error} />}
      <Field
        label={t('login.password')}
        value={password}
        onChange={setPassword}
        problem={problemOf(problems, 'password')}
        type="password"
        autoComplete="current-password"
      />
      <Field
        label={t('login.code')}
        value={code}
        onChange={setCode}
        problem={problemOf(problems, 'code')}
        inputMode="numeric"
        autoComplete="one-time-code"
      />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={fetching}>
          {mode === 'regenerate' ? t('twoFactor.regenerate') : t('twoFactor.turnOff')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const text = `${t('twoFactor.fileHeader')}\n\n${codes.join('\n')}\n`;
  const [href] = useState(() => URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' })));
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <div className="recovery-codes">
      <h3>{t('twoFactor.codesTitle')}</h3>
      <p className="warning">{t('twoFactor.codesHint')}</p>
      <ol className="code-list" aria-label={t('twoFactor.codesTitle')}>
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="form-actions no-print">
        <a className="button" href={href} download="recovery-codes.txt">
          {t('twoFactor.download')}
        </a>
        <button type="button" onClick={() => window.print()}>
          {t('twoFactor.print')}
        </button>
        <button type="button" className="button-primary" onClick={onDone}>
          {t('twoFactor.saved')}
        </button>
      </div>
    </div>
  );
}
