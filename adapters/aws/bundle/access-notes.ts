import type { LambdaAppPlan } from './plan.js';

/**
 * The lines `polyfaas bundle|deploy aws` print about who can call the HTTP
 * functions and how, for the plan's access mode, and where API keys come from.
 */
export function accessNotes(plan: LambdaAppPlan): string[] {
  const http = plan.functions.filter((f) => f.trigger.type === 'http');
  if (http.length === 0) return [];
  const keyed = Object.keys(plan.secrets ?? {}).length > 0;
  const lines: string[] = [];
  switch (plan.access ?? 'platform') {
    case 'platform':
      lines.push(
        'Access: private. Function URLs are AWS_IAM and the HTTP API routes use the IAM authorizer: callers sign',
        '  requests with SigV4 and need lambda:InvokeFunctionUrl (URL) or execute-api:Invoke (API). For example:',
        `  awscurl --service lambda --region ${plan.region} <function-url>${pathOf(http[0]?.trigger)}`,
        `  awscurl --service execute-api --region ${plan.region} https://<api-id>.execute-api.${plan.region}.amazonaws.com${pathOf(http[0]?.trigger)}`,
      );
      break;
    case 'app':
      lines.push(
        "Access: the app's own auth. Function URLs are NONE with a public invoke permission and every HTTP function",
        '  checks callers itself (auth in defineApp/defineFunction); for example:',
        `  curl -H "Authorization: Bearer $POLYFAAS_API_KEY" <function-url>${pathOf(http[0]?.trigger)}`,
      );
      break;
    case 'public':
      lines.push('Access: --public. Function URLs are NONE with a public invoke permission; anyone can call the HTTP functions.');
  }
  for (const [name, secret] of Object.entries(plan.secrets ?? {})) {
    lines.push(
      `API keys: ${name} is read at run time; store it in Secrets Manager as "${secret}"`,
      `  (aws secretsmanager create-secret --name ${secret} --secret-string '<id>:<key>:<scopes>'):`,
      '  template.yaml and serverless.yml resolve it at deploy time; polyfaas deploy aws takes it from its own',
      `  environment (${name}) or keeps the function's current value. The bundle never contains it.`,
    );
  }
  if (!keyed && (plan.access ?? 'platform') === 'app') lines.push('  (the app verifies JWTs; no key to store)');
  return lines;
}

function pathOf(trigger: LambdaAppPlan['functions'][number]['trigger'] | undefined): string {
  return trigger?.type === 'http' ? trigger.path : '/';
}
