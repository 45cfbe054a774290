// Site plugin example (ESM): add a suffix to every target tag, so a site can
// keep its own builds apart: v6.0.0 becomes v6.0.0-site (or $TAG_SUFFIX).
// Drop it into plugins/ beside push-images, or pass --plugin tag-suffix.mjs.
const suffix = process.env.TAG_SUFFIX ?? "-site";

export default {
  name: "tag-suffix",
  apply(runner) {
    runner.hooks.plan.tap("tag-suffix", (jobs) => jobs.map((job) => ({ ...job, target: `${job.target}${suffix}` })));
  },
};
