// Site plugin example (CommonJS): append one JSON line per pushed image to an
// audit file ($PUSH_IMAGES_AUDIT_LOG, default push-images-audit.log in the
// working directory), for change records in regulated sites.
const { appendFileSync } = require("node:fs");

module.exports = function auditLog(runner) {
  const file = process.env.PUSH_IMAGES_AUDIT_LOG || "push-images-audit.log";
  runner.hooks.afterPush.tapPromise("audit-log", async (job, result) => {
    const entry = {
      time: new Date().toISOString(),
      user: process.env.USER ?? null,
      source: job.source,
      target: job.target,
      status: result.status,
      digest: result.digest ?? null,
    };
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
  });
  runner.hooks.failed.tapPromise("audit-log", async (job, error) => {
    appendFileSync(
      file,
      `${JSON.stringify({ time: new Date().toISOString(), source: job.source, target: job.target, status: "failed", error: error.code })}\n`,
    );
  });
};
