// Every error code the server can send has a sentence in French and in English
// (web/shared/errors.js): the codes are read from the Rust sources, so a new code without
// its translations fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorSentence, fieldSentence, httpErrorSentence, knowsError } from '../../web/shared/errors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function rustFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...rustFiles(p));
    else if (name.endsWith('.rs')) out.push(p);
  }
  return out;
}

const PATTERNS = [
  /\.code\(\s*"([a-z_]+)"\s*\)/g,
  /Problem::new\(\s*"([a-z_]+)"/g,
  /ApiError::coded\(\s*StatusCode::[A-Z_]+,\s*"([a-z_]+)"/g,
  /Refusal::new\(\s*"([a-z_]+)"/g,
  /file_error\(\s*"([a-z_]+)"/g,
  /LinkProblem::\w+ => "([a-z_]+)"/g,
  /StatusCode::[A-Z_]+,\s*"([a-z_]+)",/g,
  /=> "([a-z_]+)",\s*\n\s*"a [a-z ]+" =>|"an? [a-z ]+" => "([a-z_]+)"/g,
];

function serverCodes() {
  const codes = new Set();
  for (const file of rustFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8').split('#[cfg(test)]')[0];
    for (const re of PATTERNS) for (const m of text.matchAll(re)) codes.add(m[1] || m[2]);
  }
  codes.delete(undefined);
  return codes;
}

test('the scan finds the codes (it reads the sources it should)', () => {
  const codes = serverCodes();
  for (const c of ['module_off', 'out_of_range', 'template_error', 'bad_credentials', 'email_taken', 'not_found', 'malformed']) {
    assert.ok(codes.has(c), `${c} not found by the scan`);
  }
});

test('every server error code has a French and an English sentence', () => {
  const missing = [];
  for (const code of serverCodes()) {
    for (const lang of ['fr', 'en']) if (!knowsError(lang, code)) missing.push(`${lang}:${code}`);
  }
  assert.deepEqual(missing, []);
});

test('sentences are filled from the parameters and name the field by its label', () => {
  assert.equal(errorSentence('fr', { code: 'out_of_range', params: { min: 1, max: 3650, unit: 'days' } }), 'entre 1 et 3650 jours');
  assert.equal(errorSentence('en', { code: 'out_of_range', params: { min: 1, max: 3650, unit: 'days' } }), 'between 1 and 3650 days');
  assert.equal(fieldSentence('fr', { code: 'required' }, 'Nom conversation'), 'Nom conversation : obligatoire');
  assert.equal(fieldSentence('en', { code: 'required' }, 'Conversation name'), 'Conversation name: required');
  assert.equal(errorSentence('fr', { code: 'not_found', params: { what: 'bot' } }), 'Bot introuvable.');
  assert.match(errorSentence('fr', { code: 'template_error', params: { line: 8, detail: 'unexpected end of block' } }), /^ligne 8 : /);
  assert.match(errorSentence('fr', { code: 'module_off', params: { bot: 'demo', module: 'monitored_conversations' } }), /désactivé pour le bot « demo »/);
});

test('an unknown code falls back to the server message; a network error to its own', () => {
  assert.equal(errorSentence('fr', { code: 'brand_new', message: 'English words' }), 'English words');
  assert.equal(httpErrorSentence('fr', { body: { error: 'bad_credentials', message: 'x' } }), 'Adresse e-mail ou mot de passe incorrect.');
  assert.equal(httpErrorSentence('fr', new Error('Failed to fetch')), 'Failed to fetch');
});
