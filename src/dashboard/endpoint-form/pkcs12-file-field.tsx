import { useState } from 'preact/hooks';
import { controlProps, Field } from '../ui/field';

interface Props {
  id: string;
  label: string;
  hint: string;
  error?: string;
  /** The chosen file's name, or '' for none. */
  fileName: string;
  /** Called with the file's bytes as base64 (what the API takes) and its name; ('', '') clears. */
  onFile: (base64: string, name: string) => void;
}

/** Base64 of a file's bytes, in chunks: String.fromCharCode(...bytes) overflows the stack on large files. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A PKCS#12 (.p12/.pfx) file, read in the browser and sent as base64; the server opens and checks it. */
export function Pkcs12FileField({ id, label, hint, error, fileName, onFile }: Props) {
  const [readError, setReadError] = useState('');
  const pick = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    setReadError('');
    if (!file) return onFile('', '');
    if (file.size > 128 * 1024) {
      input.value = '';
      setReadError(`${file.name} is ${Math.round(file.size / 1024)} KiB: a PKCS#12 key or trust store is at most 128 KiB.`);
      return onFile('', '');
    }
    onFile(toBase64(new Uint8Array(await file.arrayBuffer())), file.name);
  };
  const shown = error ?? (readError || undefined);
  return (
    <Field id={id} label={label} hint={fileName ? `${fileName} will be uploaded. ${hint}` : hint} error={shown}>
      <div class="row">
        <input {...controlProps(id, shown, true)} type="file" accept=".p12,.pfx,application/x-pkcs12" onChange={(e) => void pick(e.currentTarget)} />
        {fileName && (
          <button type="button" onClick={() => {
            const input = document.getElementById(id) as HTMLInputElement | null;
            if (input) input.value = '';
            onFile('', '');
          }}>
            Remove {fileName}
          </button>
        )}
      </div>
    </Field>
  );
}
