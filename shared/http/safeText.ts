import { z } from 'zod';

/**
 * Characters that make text read differently from what it holds: controls (tab and newline
 * excepted), format characters (bidirectional marks and isolates, zero-width characters, the
 * byte-order mark, tag characters), line and paragraph separators, private-use characters and
 * lone surrogates.
 */
const deceptiveCharacters = /[^\P{Cc}\t\n]|[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}]/u;

/** Free text a person typed that other people will read: bounded, no control or bidi tricks. */
export function safeText(minLength: number, maxLength: number) {
  return z
    .string()
    .trim()
    .min(minLength)
    .max(maxLength)
    .refine((text) => !deceptiveCharacters.test(text), {
      message: 'must not contain control, invisible or bidirectional-override characters',
    });
}
