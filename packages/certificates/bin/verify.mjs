#!/usr/bin/env node
// Offline certificate verifier: checks the signed payload in a certificate's QR code against the
// published public key(s). No network, no database. Revocation can only be seen online, at the
// URL the QR code opens.
//
//   npx vtc-verify-certificate '<qr content>' --key public-key.json [--key older-key.json]
//                              [--base-url https://vtc.example.gov.cn] [--json]
//   echo '<qr content>' | npx vtc-verify-certificate - --key public-key.json
//
// A key file holds one published key { "keyId", "algorithm": "Ed25519", "publicKey": base64 }
// or an array of them. Exit status: 0 VALID, 1 BAD_SIGNATURE / UNKNOWN_KEY / MALFORMED, 2 usage.
import { readFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

// The package ships TypeScript sources (no build step): let tsx load them.
register();
const { verifyQrContent } = await import('../src/verify.ts');
const { parsePublishedKeys } = await import('../src/signing.ts');

const USAGE =
  "usage: vtc-verify-certificate '<qr content>' | - --key public-key.json [--key …] [--base-url URL] [--json]";

function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const keyFiles = [];
let content;
let baseUrl;
let json = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--key' || a === '-k') keyFiles.push(args[++i] ?? fail('--key needs a file'));
  else if (a.startsWith('--key=')) keyFiles.push(a.slice(6));
  else if (a === '--base-url') baseUrl = args[++i] ?? fail('--base-url needs a URL');
  else if (a.startsWith('--base-url=')) baseUrl = a.slice(11);
  else if (a === '--json') json = true;
  else if (a === '--help' || a === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  } else if (content === undefined) content = a;
  else fail(`unexpected argument ${a}`);
}
if (content === undefined) fail('no QR content given');
if (content === '-') content = readFileSync(0, 'utf8');
if (keyFiles.length === 0) fail('no public key given (--key public-key.json)');

let keys = [];
try {
  for (const f of keyFiles) keys = keys.concat(parsePublishedKeys(readFileSync(f, 'utf8')));
} catch (e) {
  fail(`cannot read the public key: ${e instanceof Error ? e.message : e}`);
}

let result;
try {
  result = verifyQrContent(content.trim(), keys, baseUrl === undefined ? {} : { baseUrl });
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}

if (json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const verdicts = {
    VALID: '有效签名 VALID: the fields below were signed by the issuing platform',
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
    lines.push(`  revocation is checked online only: ${result.url}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
process.exit(result.status === 'VALID' ? 0 : 1);
