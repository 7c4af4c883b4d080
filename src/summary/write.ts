import * as core from '@actions/core';

/** Appends Markdown to the job summary when the runner provides one (it does in every job). */
export async function appendSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(markdown, true).write();
}
