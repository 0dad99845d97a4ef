// The shared French helpers (web/shared/i18n.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deName } from '../../web/shared/i18n.js';

test('"de" before a name is elided before a vowel or a mute h', () => {
  assert.equal(`l'aide ${deName('Admin')}`, "l'aide d'Admin");
  assert.equal(`l'aide ${deName('Élodie')}`, "l'aide d'Élodie");
  assert.equal(`l'aide ${deName('Hélène')}`, "l'aide d'Hélène");
  assert.equal(`l'aide ${deName('Claire')}`, "l'aide de Claire");
  assert.equal(`l'aide ${deName('')}`, "l'aide de ");
});
