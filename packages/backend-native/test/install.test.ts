import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { addonLoadError } from '../src/addon.js';

const script = fileURLToPath(new URL('../scripts/build-addon.mjs', import.meta.url));

describe('installing without a toolchain', () => {
  it('the install build succeeds without a compiler and keeps what to install', () => {
    const out = mkdtempSync(join(tmpdir(), 'tensile-native-'));
    try {
      // execFileSync throws on a nonzero exit code: the install step exits 0.
      execFileSync(process.execPath, [script, '--install', '--out', out], {
        env: { ...process.env, CC: '/nonexistent/cc' },
        stdio: 'pipe',
      });
      expect(existsSync(join(out, 'Release', 'tensile_native.node'))).toBe(false);
      expect(readFileSync(join(out, 'build-error.log'), 'utf8')).toMatch(
        /needs a C compiler \(Debian\/Ubuntu: apt-get install build-essential\)/,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('a plain build fails loudly', () => {
    const out = mkdtempSync(join(tmpdir(), 'tensile-native-'));
    try {
      expect(() =>
        execFileSync(process.execPath, [script, '--out', out], { env: { ...process.env, CC: '/nonexistent/cc' }, stdio: 'pipe' }),
      ).toThrow();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('native() without an addon names the packages to install and the build log', () => {
    const err = addonLoadError(
      'No native build was found',
      'could not build the addon: it needs OpenBLAS (Debian/Ubuntu: apt-get install libopenblas-dev)',
    );
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toMatch(/native backend: the addon could not be loaded \(No native build was found\)/);
    expect(err.message).toMatch(/it needs OpenBLAS/);
    expect(err.message).toMatch(/apt-get install build-essential libopenblas-dev/);
    expect(err.message).toMatch(/npm rebuild @tensile\/backend-native/);
  });
});
