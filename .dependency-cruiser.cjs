/**
 * Architecture boundaries, checked by `npm run lint` (dependency-cruiser). See docs/architecture.md.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend one way: a folder cycle means two capabilities are really one.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(shared|functions|infra|local)/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      comment: 'shared/domain is pure: no store, no files, no AWS, no process wiring.',
      severity: 'error',
      from: { path: '^shared/domain/' },
      to: { path: '^(shared/(?!domain/)|functions/|infra/|local/)' },
    },
    {
      name: 'nothing-imports-local',
      comment: 'local/ is the embedded cloud and the CLI: production code never depends on it.',
      severity: 'error',
      from: { path: '^(shared|functions|infra)/' },
      to: { path: '^local/' },
    },
    {
      name: 'handlers-are-entry-points',
      comment: 'functions/ are Lambda entry points: shared code never imports a handler.',
      severity: 'error',
      from: { path: '^(shared|infra)/' },
      to: { path: '^functions/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|\\.oms-data|\\.scratch|\\.bench)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
