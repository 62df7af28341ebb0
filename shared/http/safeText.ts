import { z } from 'zod';

/** C0/C1 controls (tab and newline allowed), and Unicode bidirectional overrides and isolates. */
// Matching control characters is the point of this pattern.
/* eslint-disable no-control-regex */
const unsafeCharacters =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/* eslint-enable no-control-regex */

/** Free text a person typed that other people will read: bounded, no control or bidi tricks. */
export function safeText(minLength: number, maxLength: number) {
  return z
    .string()
    .trim()
    .min(minLength)
    .max(maxLength)
    .refine((text) => !unsafeCharacters.test(text), {
      message: 'must not contain control or bidirectional-override characters',
    });
}
