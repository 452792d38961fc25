import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal dialog (native `<dialog>`): focus is trapped inside, Escape calls `onClose`, and the
 * browser gives the focus back to what had it when the dialog closes.
 */
export function Modal({
  title,
  onClose,
  children,
  role,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** `alertdialog` for confirmations. */
  role?: 'alertdialog';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    // What had the focus: given back on closing, since a dialog removed from the page (rather
    // than closed while still in it) does not give it back by itself.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      const active = document.activeElement;
      const lost = !active || active === document.body || Boolean(dialog?.contains(active));
      if (lost && opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      role={role}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
