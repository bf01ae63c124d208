// Both hosts forbid eval (see electron/services/content-security-policy.ts), so zod can never
// compile its fast parsers here. Told before any schema is built, it never probes with
// `new Function` (a refused probe is a reported CSP violation, and costs the Start screen tens
// of milliseconds). A classic script, because it must run before the bundle's shared chunks,
// which build schemas as they load, ahead of any code in the entry module.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig ?? {}, { jitless: true });
