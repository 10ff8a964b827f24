// Debian packages Natter runs on, installed with apt-get when missing and we are root; otherwise a clear
// message naming them. Plain JS: `npm run up` uses it before anything else is installed.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const has = (cmd) => {
  try {
    execSync(`command -v ${cmd}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
};

/** Each package with the test that tells it is present. */
export const packages = {
  'nats-server': () => has('nats-server'),
  postgresql: () => has('initdb') || existsSync('/usr/lib/postgresql'),
  'nginx-light': () => has('nginx') || existsSync('/usr/sbin/nginx'),
  chromium: () => existsSync('/usr/bin/chromium'),
  // The browser tests' screenshots show emoji (reactions, :shortcodes:): without a color emoji font they are boxes.
  'fonts-noto-color-emoji': () => existsSync('/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf'),
};

export function ensureSystemPackages(names, say = (m) => console.log(`[natter] ${m}`)) {
  const missing = names.filter((n) => !packages[n]());
  if (!missing.length) return;
  if (process.getuid?.() === 0 && has('apt-get')) {
    say(`installing ${missing.join(', ')} with apt-get`);
    execSync('apt-get update -qq', { stdio: 'inherit' });
    execSync(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`, { stdio: 'inherit', shell: '/bin/sh' });
    return;
  }
  throw new Error(`Natter needs these Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install ${missing.join(' ')}`);
}
