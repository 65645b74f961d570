import { rosterImport } from './roster-import.ts';
const opts = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const r = await rosterImport(opts);
console.log(`RESULT roster-import ${Object.entries(r).map(([k, v]) => `${k}=${v}`).join(' ')}`);
process.exit(0);
