/**
 * Playwright for the ChatBI panel's UI tests: Galata's defaults, Debian's Chromium (never a downloaded
 * browser), and JupyterLab of the repository's .venv started with jupyter_server_test_config.py on a
 * free port of 127.0.0.1. Screenshots, traces and the HTML report stay in test-results/ and
 * playwright-report/ (git-ignored).
 */
const { execFileSync } = require('child_process');
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const VENV_BIN = path.resolve(__dirname, '..', '..', '.venv', 'bin');
const CHROMIUM = process.env.CHATBI_TEST_CHROMIUM || '/usr/bin/chromium';

// One port for the whole run: the runner picks it, and its workers, which load this file again,
// inherit it from the runner's environment.
process.env.CHATBI_UI_TEST_PORT ||= execFileSync(
  path.join(VENV_BIN, 'python'),
  [
    '-c',
    'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  ],
  { encoding: 'utf8' }
).trim();
const URL = `http://127.0.0.1:${process.env.CHATBI_UI_TEST_PORT}`;

module.exports = {
  ...baseConfig,
  // The HTML report is written, never served: a failed run must not wait for someone to close it.
  reporter: [['list'], ['html', { open: 'never' }]],
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  use: {
    ...baseConfig.use,
    baseURL: URL,
    viewport: { width: 1400, height: 1000 },
    // Playwright draws videos with an ffmpeg it downloads: none here. A failure keeps a trace instead.
    video: 'off',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: {
    command: `${path.join(VENV_BIN, 'jupyter')} lab --config jupyter_server_test_config.py`,
    url: `${URL}/lab`,
    timeout: 120_000,
    reuseExistingServer: false,
    // SIGTERM: the server stops its kernels and removes its temporary folder.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 }
  }
};
