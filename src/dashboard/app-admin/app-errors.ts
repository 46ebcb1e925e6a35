import type { Sentence } from '../ui/field-errors';

/** What to type in an app's fields, for the create and rename forms. */
export const appSentence: Sentence = (field, rest) => {
  if (field === 'uid' && /letters, digits/.test(rest)) return "Use letters, digits, '.', '_' or '-' (at most 128 characters, no spaces).";
  if (field === 'name' && /must not be empty|is required/.test(rest)) return 'Give the app a name.';
  if (field === 'name' && /at most/.test(rest)) return 'Use at most 256 characters.';
  return null;
};
