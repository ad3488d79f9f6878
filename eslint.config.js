import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// Folders import each other only through their index.ts (their public surface). Imports are
// relative, so what "another folder" looks like depends on how deep the importing file sits.
const DEEP_CONTROLLER = {
  regex: '(^|/)controller/[^/]+/(?!index\\.ts$)',
  message: 'Import a controller folder through its index.ts (its public surface), not a file inside it.',
};
const TOP_FOLDERS = ['api', 'cli', 'emulator'];

/** The no-restricted-imports patterns for files `depth` folders below the top-level folder `top`. */
function crossFolderPatterns(top, depth) {
  const up = '\\.\\./'.repeat(depth + 1);
  const others = TOP_FOLDERS.filter((t) => t !== top).join('|');
  return [
    DEEP_CONTROLLER,
    { regex: `^${up}(${others})/(?!index\\.ts$)`, message: `Import ${others.replaceAll('|', '/, ')}/ through its index.ts, not a file inside it.` },
  ];
}

// api/ never speaks SQL itself (pg, or the transaction and keyset helpers): it goes through the
// controller folders that own the tables.
const NO_SQL_IN_API = {
  paths: [{ name: 'pg', message: 'api/ does not speak SQL: use the controller folder that owns the table.' }],
  patterns: [
    {
      regex: '(^|/)controller/db/index\\.ts$',
      importNames: ['withTransaction', 'encodeKeysetCursor', 'decodeKeysetCursor', 'keysetTimestampSql'],
      message: 'api/ does not speak SQL: use the controller folder that owns the table.',
    },
  ],
};

/** One config block per top-level folder and depth (0: files directly in it). */
function boundaryBlocks() {
  const blocks = [
    {
      files: ['controller/**/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: '^\\.\\./[^./][^/]*/(?!index\\.ts$)',
                message: 'Import another controller folder through its index.ts (its public surface), not a file inside it.',
              },
              { regex: '^(\\.\\./)+(api|cli|web)/', message: 'controller/ must not depend on api/, cli/ or web/.' },
            ],
          },
        ],
      },
    },
  ];
  for (const top of TOP_FOLDERS) {
    for (const depth of [0, 1, 2, 3]) {
      const files = [`${top}/${'*/'.repeat(depth)}*.ts`];
      const patterns = crossFolderPatterns(top, depth);
      const options = top === 'api' ? { paths: NO_SQL_IN_API.paths, patterns: [...patterns, ...NO_SQL_IN_API.patterns] } : { patterns };
      blocks.push({ files, rules: { 'no-restricted-imports': ['error', options] } });
    }
  }
  return blocks;
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'web/dist/**', 'coverage/**', '.cache/**', '.demo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...boundaryBlocks(),
  {
    // ...nor writes SQL text: queries live in controller/store (intents, drift), controller/db
    // (the migration ledger) and beside the workflow engine's tables.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='query'][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
          message: 'api/ does not speak SQL: add a typed function to controller/store (or the folder that owns the table) and call it.',
        },
      ],
    },
  },
  {
    // The dashboard: React's rules of hooks (and the compiler-era checks of react-hooks 7).
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      // Only matters with the React Compiler, which this build does not use (TanStack Virtual trips it).
      'react-hooks/incompatible-library': 'off',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
);
