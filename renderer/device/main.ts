// Set before zod loads: the host's policy forbids eval, so zod must never probe `new Function`
// (a refused probe is a reported CSP violation). zod builds its parsers as its modules load, and
// shared chunks load before an entry's own code: the rest of the page is imported after this.
(globalThis as { __zod_globalConfig?: Record<string, unknown> }).__zod_globalConfig = {
  ...(globalThis as { __zod_globalConfig?: Record<string, unknown> }).__zod_globalConfig,
  jitless: true,
};

const root = document.getElementById('root');
if (root === null) throw new Error('the page has no #root element');
void import('./start-device').then(({ startDevice }) => startDevice(root));
