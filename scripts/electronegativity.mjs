// Runs Electronegativity (@doyensec/electronegativity) over electron/ without the network and
// fails on every finding of medium or higher severity that .electronegativity-allowlist.json
// does not justify, on allow-list entries matched more often than they say, and on files it
// could not parse (their findings would be invisible).
//
// Offline: the translations it fetches at start-up come from its own bundled files instead, its
// network check (AvailableSecurityFixesGlobalCheck, Electron's release list) is excluded, and
// its HTTP client is replaced by one that refuses, so nothing can reach the network unnoticed.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..');
const scanned = 'electron';
const allowListFile = '.electronegativity-allowlist.json';
const networkChecks = ['AvailableSecurityFixesGlobalCheck'];
const failingSeverity = 2; // MEDIUM; HIGH is 3

const require = createRequire(import.meta.url);
const packageJson = require.resolve('@doyensec/electronegativity/package.json');
const packageDir = path.dirname(packageJson);
const requireFromPackage = createRequire(packageJson);

function preload(modulePath, exports) {
  require.cache[modulePath] = { id: modulePath, filename: modulePath, loaded: true, exports };
}

const refuseNetwork = () => Promise.reject(new Error('network access is disabled for this audit'));
preload(requireFromPackage.resolve('got'), Object.assign(refuseNetwork, { head: refuseNetwork, get: refuseNetwork, default: refuseNetwork }));

const i18n = requireFromPackage('i18n');
const localesDir = path.join(packageDir, 'dist', 'locales');
preload(path.join(localesDir, 'i18n.js'), async () => {
  i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: localesDir, updateFiles: false, objectNotation: true, register: globalThis });
  i18n.setLocale('en-US');
});

const run = require('@doyensec/electronegativity');
const electronVersion = require('electron/package.json').version;

const allowList = JSON.parse(await readFile(path.join(repoRoot, allowListFile), 'utf8'));
const allowed = allowList.findings.map((entry) => ({ ...entry, occurrences: entry.occurrences ?? 1, matched: 0 }));

const result = await run({
  input: path.join(repoRoot, scanned),
  isRelative: true,
  customScan: [],
  excludeFromScan: networkChecks,
  electronVersionOverride: electronVersion,
  parserPlugins: [],
});

const problems = [];
for (const error of result.errors) {
  const where = path.relative(repoRoot, error.file);
  if (error.tolerable) console.log(`warning: ${where}: ${error.message}`);
  else problems.push(`${where} could not be parsed: ${error.message}`);
}

console.log(`Electronegativity over ${scanned}/ (Electron ${electronVersion}): ${result.globalChecks} global and ${result.atomicChecks} atomic checks, ${networkChecks.join(', ')} excluded`);
const findings = result.issues
  .map((issue) => ({
    check: issue.id,
    file: issue.file === 'N/A' ? 'N/A' : path.join(scanned, issue.file),
    line: issue.location.line,
    column: issue.location.column,
    severity: issue.severity,
    confidence: issue.confidence.name,
    description: issue.description,
  }))
  .sort((a, b) => b.severity.value - a.severity.value || a.file.localeCompare(b.file) || a.line - b.line);

for (const finding of findings) {
  const where = finding.file === 'N/A' ? '(whole app)' : `${finding.file}:${finding.line}:${finding.column}`;
  let verdict = 'below medium, reported only';
  if (finding.severity.value >= failingSeverity) {
    const entry = allowed.find((candidate) => candidate.check === finding.check && candidate.file === finding.file);
    if (entry === undefined) {
      verdict = 'NOT IN THE ALLOW-LIST';
      problems.push(`${finding.check} at ${where}: ${finding.description}`);
    } else {
      entry.matched += 1;
      verdict = `allowed: ${entry.reason}`;
    }
  }
  console.log(`${finding.severity.name.padEnd(13)} ${finding.confidence.padEnd(9)} ${finding.check} ${where}\n  ${finding.description}\n  → ${verdict}`);
}

for (const entry of allowed) {
  if (entry.matched > entry.occurrences) {
    problems.push(`${entry.check} in ${entry.file} was found ${entry.matched} times; the allow-list justifies ${entry.occurrences}`);
  } else if (entry.matched === 0) {
    console.log(`note: the allow-list entry ${entry.check} in ${entry.file} matched nothing; remove it if the finding is gone`);
  }
}

if (problems.length > 0) {
  console.error(`\nElectronegativity: ${problems.length} problem(s):\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
  console.error(`Fix each one, or justify it in ${allowListFile} (check, file, occurrences, reason).`);
  process.exit(1);
}
console.log(`\nElectronegativity: no finding of medium or higher severity outside ${allowListFile}.`);
