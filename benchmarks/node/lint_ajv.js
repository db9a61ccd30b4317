#!/usr/bin/env node
// Minimal Ajv 8 linter: the "Ajv" row of the wanspec whole-process benchmark (benchmarks/run.py).
//
//   node lint_ajv.js [-r EXTRA_SCHEMA]... SCHEMA FILE...
//
// - Ajv2020 (draft 2020-12), allErrors: true, formats from ajv-formats (uuid, uri, ...).
// - FILE ending in .jsonl / .ndjson: one task per line, read in 1 MiB chunks (streamed, flat memory);
//   blank lines are skipped. Any other FILE: one task, or an array of tasks.
// - Prints "file[:line]: instancePath: message" for EVERY error (instancePath "" is shown as "(root)"),
//   a summary on stderr, and exits 1 if any task is invalid or unreadable, 2 on usage/schema errors.
// - strict: false, because unknown keywords (annotations such as x-* or rule codes) are legal in
//   JSON Schema and must not stop the compile; strict mode does not change validation results.
'use strict';

const fs = require('fs');
const path = require('path');
const { StringDecoder } = require('string_decoder');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');

function usage(msg) {
  if (msg) process.stderr.write(`lint_ajv: ${msg}\n`);
  process.stderr.write('usage: node lint_ajv.js [-r EXTRA_SCHEMA]... SCHEMA FILE...\n');
  process.exit(2);
}

const args = process.argv.slice(2);
const extra = [];
while (args.length && args[0] === '-r') {
  args.shift();
  if (!args.length) usage('-r needs a file');
  extra.push(args.shift());
}
if (args.length < 2) usage();
const [schemaPath, ...files] = args;

let validate;
try {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const p of extra) ajv.addSchema(JSON.parse(fs.readFileSync(p, 'utf8')));
  validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
} catch (e) {
  process.stderr.write(`lint_ajv: cannot load schema ${schemaPath}: ${e.message}\n`);
  process.exit(2);
}

// Buffered output: one write per ~64 KiB instead of one per error.
let out = [];
let outSize = 0;
function emit(line) {
  out.push(line);
  outSize += line.length;
  if (outSize > 65536) flush();
}
function flush() {
  if (out.length) process.stdout.write(out.join(''));
  out = [];
  outSize = 0;
}

let tasks = 0;
let invalid = 0;
let errors = 0;

function check(loc, doc, prefix) {
  tasks++;
  if (validate(doc)) return;
  invalid++;
  for (const e of validate.errors) {
    errors++;
    const ptr = prefix + e.instancePath;
    emit(`${loc}: ${ptr || '(root)'}: ${e.message}\n`);
  }
}

function checkLine(file, lineNo, text) {
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (!text.trim()) return;
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    tasks++;
    invalid++;
    errors++;
    emit(`${file}:${lineNo}: (root): invalid JSON: ${e.message}\n`);
    return;
  }
  check(`${file}:${lineNo}`, doc, '');
}

function lintJsonl(file) {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  const dec = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    const chunk = rest + dec.write(n === buf.length ? buf : buf.subarray(0, n));
    let start = 0;
    let nl;
    while ((nl = chunk.indexOf('\n', start)) !== -1) {
      checkLine(file, ++lineNo, chunk.slice(start, nl));
      start = nl + 1;
    }
    rest = chunk.slice(start);
  }
  fs.closeSync(fd);
  rest += dec.end();
  if (rest.length) checkLine(file, ++lineNo, rest);
}

function lintJson(file) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    tasks++;
    invalid++;
    errors++;
    emit(`${file}: (root): ${e.code ? 'cannot read' : 'invalid JSON'}: ${e.message}\n`);
    return;
  }
  if (Array.isArray(doc)) doc.forEach((task, i) => check(file, task, `/${i}`));
  else check(file, doc, '');
}

for (const file of files) {
  const ext = path.extname(file).toLowerCase();
  try {
    if (ext === '.jsonl' || ext === '.ndjson') lintJsonl(file);
    else lintJson(file);
  } catch (e) {
    invalid++;
    errors++;
    emit(`${file}: (root): cannot read: ${e.message}\n`);
  }
}
flush();
process.stderr.write(`lint_ajv: ${errors} errors in ${invalid} invalid of ${tasks} tasks (${files.length} files)\n`);
process.exitCode = invalid ? 1 : 0;
