// Chromium for Playwright: CHROMIUM_PATH, else /usr/bin/chromium, installed with apt-get when possible
// (Playwright's own browser download needs internet access that CI machines here do not have).
import fs from 'node:fs';
import { aptInstall, fail, logger, which } from './util.mjs';

const log = logger('chromium');
const DEFAULT_PATH = '/usr/bin/chromium';

function executable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the Chromium path and exports it as process.env.CHROMIUM_PATH. Honours CHROMIUM_PATH. */
export async function ensureChromium() {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted) {
    if (!executable(wanted)) fail(`CHROMIUM_PATH=${wanted} is not an executable file.`);
    return wanted;
  }
  let found = executable(DEFAULT_PATH) ? DEFAULT_PATH : which('chromium');
  if (!found) {
    log(`Chromium is not installed (${DEFAULT_PATH} is missing)`);
    if (await aptInstall(['chromium'], log)) found = executable(DEFAULT_PATH) ? DEFAULT_PATH : which('chromium');
  }
  if (!found) {
    fail(
      'Chromium is needed for the end-to-end tests. Install it (Debian: apt-get install chromium; ' +
        'Ubuntu/macOS: any Chromium or Chrome) and set CHROMIUM_PATH to its executable if it is not ' +
        `${DEFAULT_PATH}.`,
    );
  }
  process.env.CHROMIUM_PATH = found;
  return found;
}
