import type { ComponentChildren } from 'preact';

/**
 * Accessibility attributes for a form control: its hint and error are announced with it, and an
 * error marks it invalid. Spread onto the <input>/<select>/<textarea> inside a <Field>.
 */
export function controlProps(id: string, error?: string | null, hint?: ComponentChildren) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { id, 'aria-invalid': error ? ('true' as const) : undefined, 'aria-describedby': describedBy || undefined };
}

interface FieldProps {
  id: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  /** The API's message for this field, shown right under it. */
  error?: string | null;
  children: ComponentChildren;
}

/** Label, control, hint and error, stacked; the error sits next to the field it is about. */
export function Field({ id, label, hint, error, children }: FieldProps) {
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="field-error" id={`${id}-error`} data-field-error={id}>{error}</p>}
    </div>
  );
}
