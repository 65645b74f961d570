#!/usr/bin/env node
// Offline certificate verifier: checks the signed payload in a certificate's QR code against the
// official public key(s), and that the QR code opens the official verification site. No network,
// no database. Revocation can only be seen online, on the official site.
//
//   npx vtc-verify-certificate '<qr content>' [--base-url https://vtc.example.gov.cn]
//                              [--key public-key.json [--key older-key.json]] [--json]
//                              [--also-accept https://staging.example.gov.cn]
//   echo '<qr content>' | npx vtc-verify-certificate - …
//
// The official base URL and keys are pinned: --base-url, else VERIFY_BASE_URL, else PUBLIC_URL;
// --key, else the file VERIFY_KEYS_FILE. Without both it refuses to run. A QR code that opens any
// other site is NOT_OFFICIAL, whatever its signature, and the URL printed for the online check is
// always the official one. --also-accept (explicit, for testing or staging) accepts one more site.
//
// A key file holds one published key { "keyId", "algorithm": "Ed25519", "publicKey": base64 }
// or an array of them (/.well-known/vtc-certificate-keys.json saved to a file).
// Exit status: 0 VALID, 1 NOT_OFFICIAL / BAD_SIGNATURE / UNKNOWN_KEY / MALFORMED, 2 usage.
import { readFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

// The package ships TypeScript sources (no build step): let tsx load them.
register();
const { verifyQrContent } = await import('../src/verify.ts');
const { parsePublishedKeys } = await import('../src/signing.ts');
const { verifierSettings } = await import('@vtc/config');

const USAGE =
  "usage: vtc-verify-certificate '<qr content>' | - [--base-url URL] [--key public-key.json …] [--also-accept URL …] [--json]";

function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const keyFiles = [];
const alsoAccept = [];
let content;
let baseUrl;
let json = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--key' || a === '-k') keyFiles.push(args[++i] ?? fail('--key needs a file'));
  else if (a.startsWith('--key=')) keyFiles.push(a.slice(6));
  else if (a === '--base-url') baseUrl = args[++i] ?? fail('--base-url needs a URL');
  else if (a.startsWith('--base-url=')) baseUrl = a.slice(11);
  else if (a === '--also-accept') alsoAccept.push(args[++i] ?? fail('--also-accept needs a URL'));
  else if (a.startsWith('--also-accept=')) alsoAccept.push(a.slice(14));
  else if (a === '--json') json = true;
  else if (a === '--help' || a === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  } else if (content === undefined) content = a;
  else fail(`unexpected argument ${a}`);
}
if (content === undefined) fail('no QR content given');
if (content === '-') content = readFileSync(0, 'utf8');

if (baseUrl === undefined || keyFiles.length === 0) {
  // The deployment's settings (VERIFY_BASE_URL or PUBLIC_URL, VERIFY_KEYS_FILE), read by @vtc/config.
  let settings;
  try {
    settings = verifierSettings();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  baseUrl ??= settings.baseUrl;
  if (keyFiles.length === 0 && settings.keysFile) keyFiles.push(settings.keysFile);
}
if (baseUrl === undefined) fail('no official base URL: pass --base-url or set VERIFY_BASE_URL (or PUBLIC_URL)');
if (keyFiles.length === 0) fail('no official public key: pass --key public-key.json or set VERIFY_KEYS_FILE');

let keys = [];
try {
  for (const f of keyFiles) keys = keys.concat(parsePublishedKeys(readFileSync(f, 'utf8')));
} catch (e) {
  fail(`cannot read the public key: ${e instanceof Error ? e.message : e}`);
}

let result;
try {
  result = verifyQrContent(content.trim(), { baseUrl, keys }, { alsoAcceptBaseUrls: alsoAccept });
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}

if (json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const verdicts = {
    VALID: '有效签名 VALID: the fields below were signed by the issuing platform',
    NOT_OFFICIAL: '非官方二维码 NOT_OFFICIAL: this QR code does not open the official verification site; do not trust the page it opens',
    BAD_SIGNATURE: '签名无效 BAD_SIGNATURE: the content was altered or not signed by this key',
    UNKNOWN_KEY: '未知密钥 UNKNOWN_KEY: no published key has this key id',
    MALFORMED: '格式错误 MALFORMED: not a certificate QR code',
  };
  const lines = [verdicts[result.status]];
  if (result.reason) lines.push(`  reason: ${result.reason}`);
  if (result.keyId) lines.push(`  key id: ${result.keyId}`);
  const p = result.payload;
  if (p) {
    const labels = [
      ['number', '证书编号'],
      ['kind', '证书类别'],
      ['holderName', '姓名'],
      ['holderIdMasked', '身份证号'],
      ['occupationCode', '职业编码'],
      ['occupationName', '职业（工种）'],
      ['level', '等级'],
      ['levelName', '等级名称'],
      ['issuerName', '发证机构'],
      ['issuerCode', '机构代码'],
      ['issuedOn', '发证日期'],
      ['classCode', '培训班编号'],
      ['className', '培训班名称'],
      ['trainingHours', '培训学时'],
      ['trainingStartOn', '培训开始'],
      ['trainingEndOn', '培训结束'],
      ['competitionName', '竞赛名称'],
      ['award', '获奖等次'],
      ['awardName', '奖项名称'],
      ['rank', '名次'],
    ];
    for (const [k, zh] of labels) if (p[k] !== undefined && p[k] !== null) lines.push(`  ${zh} ${k}: ${p[k]}`);
  }
  if (result.url) {
    lines.push(`  revocation is checked online only, on the official site: ${result.url}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
process.exit(result.status === 'VALID' ? 0 : 1);
