import { certificates } from '../../../bench/certificates.ts';
const opts = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const r = await certificates(opts);
console.log(`RESULT certificates ${Object.entries(r).map(([k, v]) => `${k}=${v}`).join(' ')}`);
