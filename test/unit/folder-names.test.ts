// The one display rule for folder names, both ways: personal namespace prefix left out, "/"
// between levels, and a typed name (display or server form) finds the server's folder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayFolderPath, findFolder, folderDepth, folderLabel, serverFolderPath } from '../../src/accounts/folder-names.js';

const dotted = { delimiter: '.', prefix: 'INBOX.' };
const slash = { delimiter: '/', prefix: '' };

test('display form: prefix stripped, "/" between levels; INBOX stays INBOX', () => {
  for (const [path, naming, shown] of [
    ['INBOX', dotted, 'INBOX'],
    ['inbox', dotted, 'INBOX'],
    ['INBOX.Archive', dotted, 'Archive'],
    ['Inbox.Archive', dotted, 'Archive'],
    ['INBOX.Projects.2024', dotted, 'Projects/2024'],
    ['Projects.2024', { delimiter: '.', prefix: '' }, 'Projects/2024'],
    ['Archive/2024', slash, 'Archive/2024'],
    ['Shared.Team', dotted, 'Shared/Team'],
    ['Flat', { delimiter: '', prefix: '' }, 'Flat'],
  ] as const) {
    assert.equal(displayFolderPath(path, naming), shown, path);
  }
});

test('server form is the reverse, and round-trips', () => {
  assert.equal(serverFolderPath('Projects/2024', dotted), 'INBOX.Projects.2024');
  assert.equal(serverFolderPath('Archive', dotted), 'INBOX.Archive');
  assert.equal(serverFolderPath('INBOX', dotted), 'INBOX');
  assert.equal(serverFolderPath('inbox', dotted), 'INBOX');
  assert.equal(serverFolderPath('Archive/2024', slash), 'Archive/2024');
  for (const path of ['INBOX.Archive', 'INBOX.Projects.2024', 'INBOX.a.b.c']) {
    assert.equal(serverFolderPath(displayFolderPath(path, dotted), dotted), path);
  }
});

test('findFolder: by display path, by server path, INBOX in any case; labels and depth', () => {
  const folders = [
    { path: 'INBOX', delimiter: '.' },
    { path: 'INBOX.Archive', delimiter: '.', display: 'Archive' },
    { path: 'INBOX.Projects', delimiter: '.', display: 'Projects' },
    { path: 'INBOX.Projects.2024', delimiter: '.', display: 'Projects/2024' },
  ];
  assert.equal(findFolder(folders, 'Projects/2024')?.path, 'INBOX.Projects.2024');
  assert.equal(findFolder(folders, 'INBOX.Projects.2024')?.path, 'INBOX.Projects.2024');
  assert.equal(findFolder(folders, 'inbox')?.path, 'INBOX');
  assert.equal(findFolder(folders, 'Nope'), undefined);
  assert.equal(folderLabel(folders[3]!), 'Projects/2024');
  assert.equal(folderLabel({ path: 'Archive/2024' }), 'Archive/2024');
  assert.deepEqual(folders.map(folderDepth), [0, 0, 0, 1]);
  assert.equal(folderDepth({ path: 'A/B/C', delimiter: '/' }), 2);
});
