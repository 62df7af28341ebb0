import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultEmulatorPort } from './emulator/azureEmulator.js';
import { signUserToken } from './emulator/entraTokens.js';
import { loadSigningKey } from './emulator/signingKey.js';
import { users } from './seed.js';

/** The emulator URL tokens name as issuer unless `--emulator-url` says otherwise. */
export const defaultEmulatorUrl = `https://localhost:${defaultEmulatorPort}`;

/**
 * Prints an access token for the broker API on behalf of a seeded user:
 * `npm run token -- <alias> [--emulator-url https://localhost:7443]`. Signed with the key the
 * emulator publishes, so the broker accepts it while the emulator runs at that URL.
 */
async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { 'emulator-url': { type: 'string', default: defaultEmulatorUrl } },
  });
  const aliases = users.map((user) => user.alias).join(', ');
  const user = users.find((candidate) => candidate.alias === positionals[0]);
  if (positionals.length !== 1) {
    console.error(`Usage: npm run token -- <alias> [--emulator-url URL]; aliases: ${aliases}`);
    return 2;
  }
  if (!user) {
    console.error(`No seeded user "${positionals[0]}"; aliases: ${aliases}`);
    return 1;
  }

  const emulatorUrl = values['emulator-url'].replace(/\/$/, '');
  const token = await signUserToken(await loadSigningKey(), emulatorUrl, user);
  process.stdout.write(`${token}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
