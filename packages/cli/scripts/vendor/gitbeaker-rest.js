// Entry of dist/vendor/gitbeaker-rest.mjs (scripts/bundle.js): @gitbeaker/rest, for core's
// review-comments/gitlab-merge-request.ts (`ci-connect comment` on GitLab).
export * from '@gitbeaker/rest';
