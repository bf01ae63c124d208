import { z } from 'zod';

/*
 * Both hosts forbid eval (see content-security-policy.ts), so zod can never compile its
 * fast parsers here; without this it probes with `new Function` on the first parse, and
 * the refused probe (a CSP violation, reported and logged) costs tens of milliseconds of
 * the Start screen's first answer.
 */
z.config({ jitless: true });
