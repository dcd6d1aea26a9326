// Entry of dist/vendor/listr2.mjs (scripts/bundle.js): listr2, for src/output/stage-progress.ts.
export * from 'listr2';
