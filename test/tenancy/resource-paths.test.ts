import { describe, expect, it } from 'vitest';
import { answerMatters, resourceAccess } from '../../src/tenancy/resources.ts';

function summary(method: string, path: string): string {
  const access = resourceAccess(method, path);
  if (access === undefined) return 'not owned';
  if (access.kind === 'object') return `${access.family.name} object ${access.id}${access.deletes ? ' (delete)' : ''}${answerMatters(access) ? ' (read answer)' : ''}`;
  return `${access.family.name} ${access.kind}`;
}

describe('when a passthrough path is classified', () => {
  it.each([
    ['POST', '/files', 'files create'],
    ['GET', '/files', 'files list'],
    ['GET', '/files/', 'files list'],
    ['DELETE', '/files', 'files collection'],
    ['GET', '/files/file-1', 'files object file-1'],
    ['GET', '/files/file-1/content', 'files object file-1'],
    ['DELETE', '/files/file-1', 'files object file-1 (delete) (read answer)'],
    ['GET', '/files/file-%41', 'files object file-A'],
    ['POST', '/uploads/upload_1/complete', 'uploads object upload_1 (read answer)'],
    ['GET', '/batches/batch_1', 'batches object batch_1 (read answer)'],
    ['POST', '/batches/batch_1/cancel', 'batches object batch_1 (read answer)'],
    ['DELETE', '/vector_stores/vs_1/files/file-1', 'vector_stores object vs_1'],
    ['GET', '/fine_tuning/jobs', 'fine_tuning_jobs list'],
    ['GET', '/fine_tuning/jobs/ftjob-1/events', 'fine_tuning_jobs object ftjob-1 (read answer)'],
    ['GET', '/fine_tuning/checkpoints/ckpt/permissions', 'not owned'],
    ['POST', '/fine_tuning/alpha/graders/run', 'not owned'],
    ['GET', '/containers/cntr_1/files/cf_1/content', 'containers object cntr_1'],
    ['POST', '/conversations/conv_1/items', 'conversations object conv_1'],
    ['GET', '/responses/resp_1/input_items', 'responses object resp_1'],
    ['POST', '/responses/input_tokens', 'not owned'],
    ['POST', '/responses/compact', 'not owned'],
    ['GET', '/chat/completions', 'chat_completions list'],
    ['POST', '/chat/completions/chatcmpl-1', 'chat_completions object chatcmpl-1'],
    ['GET', '/chat/completions/chatcmpl-1/messages', 'chat_completions object chatcmpl-1'],
    ['GET', '/models/gpt-4o', 'not owned'],
    ['POST', '/images/generations', 'not owned'],
    ['GET', '/organization/costs', 'not owned'],
    ['GET', '/filesystem', 'not owned'],
  ])('then %s %s is %s', (method, path, expected) => {
    expect(summary(method, path)).toBe(expected);
  });
});
