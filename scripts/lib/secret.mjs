// NEXTAUTH_SECRET: from the environment, else generated once into .data/nextauth-secret (mode 600).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR, fail, logger, rel } from './util.mjs';

const log = logger('services');
export const SECRET_FILE = path.join(DATA_DIR, 'nextauth-secret');

/** Honours NEXTAUTH_SECRET and DATA_DIR. */
export function ensureSecret() {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  try {
    const existing = fs.readFileSync(SECRET_FILE, 'utf8').trim();
    if (existing.length >= 32) return existing;
    if (existing) fail(`${rel(SECRET_FILE)} holds a too short secret: delete it to generate a new one.`);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(SECRET_FILE, `${secret}\n`, { mode: 0o600 });
  fs.chmodSync(SECRET_FILE, 0o600);
  log(`generated NEXTAUTH_SECRET into ${rel(SECRET_FILE)}`);
  return secret;
}
