// The knowledge panel's excerpts (web/console/excerpt.js): Markdown marks go, the text stays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { excerptOf } from '../../web/console/excerpt.js';

test('parentheses, ">" and links stay; Markdown marks go', () => {
  assert.equal(excerptOf('## Étapes\n\n1. Ouvrez **Paramètres** (en haut à droite) > *Réseau*.\n2. Cliquez `Valider`.'),
    'Étapes Ouvrez Paramètres (en haut à droite) > Réseau. Cliquez Valider.');
  assert.equal(excerptOf('> Citation\n- un point'), 'Citation un point');
  assert.equal(excerptOf('Voir [le portail](https://intranet.example.com/a/b?c=1).'), 'Voir le portail (https://intranet.example.com/a/b?c=1).');
  assert.equal(excerptOf('Le fichier mon_fichier_2.txt (a > b)'), 'Le fichier mon_fichier_2.txt (a > b)');
  const long = excerptOf('mot '.repeat(100), 20);
  assert.equal([...long].length, 20);
  assert.ok(long.endsWith('…'));
});
