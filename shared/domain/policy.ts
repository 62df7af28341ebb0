import { z } from 'zod';
import { parseDuration, tryParseDuration } from './duration.js';
import { ValidationError } from './errors.js';
import type { BastionHostId, VmResourceId } from './resourceId.js';
import { parseResourceId, resourceKey, tryParseResourceId } from './resourceId.js';

const groupId = z.guid().transform((id) => id.toLowerCase());

const durationText = z.string().refine((text) => tryParseDuration(text) !== undefined, {
  message: 'must be an ISO-8601 duration of days, hours and minutes, e.g. PT8H',
});

const namePattern = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9_.*?-]+$/, 'may hold letters, digits, _ . - and the wildcards * and ?');

const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and hyphens'),
    description: z.string().max(500).optional(),
    match: z
      .object({
        subscriptionId: z.guid(),
        resourceGroup: z.string().min(1).max(90),
        namePattern: namePattern.default('*'),
      })
      .strict(),
    bastionHostId: z
      .string()
      .refine((raw) => tryParseResourceId(raw, 'bastionHost') !== undefined, 'not a Bastion id'),
    access: z.array(z.literal('link')).min(1).default(['link']),
    requesterGroupIds: z.array(groupId).min(1).max(20),
    approverGroupIds: z.array(groupId).min(1).max(20),
    approvalsRequired: z.number().int().min(1).max(10),
    maxDuration: durationText,
    decisionTimeout: durationText.default('PT1H'),
  })
  .strict();

/** The access policy document, as an operator writes it (JSON). */
export const accessPolicySchema = z
  .object({
    version: z.literal(1),
    rules: z.array(ruleSchema).min(1).max(500),
  })
  .strict()
  .superRefine((policy, context) => {
    const seen = new Set<string>();
    policy.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) {
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: 'duplicate rule id',
        });
      }
      seen.add(rule.id);
    });
  });

/** One rule of the access policy, validated. */
export type PolicyRule = z.infer<typeof ruleSchema>;

/** The access policy, validated. */
export type AccessPolicy = z.infer<typeof accessPolicySchema>;

/** What the policy says about one VM: the rule that governs it, or why none does. */
export type PolicyEvaluation =
  | { readonly outcome: 'matched'; readonly rule: PolicyRule; readonly bastion: BastionHostId }
  | { readonly outcome: 'unmatched'; readonly reason: string };

/** Validates a policy document; throws a ValidationError listing every offending field. */
export function parseAccessPolicy(document: unknown): AccessPolicy {
  const result = accessPolicySchema.safeParse(document);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => ({
      field: ['policy', ...issue.path].join('.'),
      message: issue.message,
    }));
    throw new ValidationError('The access policy is not valid.', fields, 'invalid-policy');
  }
  return result.data;
}

/** Finds the first rule that governs the VM. Unmatched means denied. */
export function evaluatePolicy(policy: AccessPolicy, vm: VmResourceId): PolicyEvaluation {
  const rule = policy.rules.find((candidate) => matchesRule(candidate, vm));
  if (!rule) {
    return { outcome: 'unmatched', reason: 'No policy rule covers this virtual machine.' };
  }
  return { outcome: 'matched', rule, bastion: parseResourceId(rule.bastionHostId, 'bastionHost') };
}

/** The longest window the rule allows, in minutes. */
export function maxDurationInMinutes(rule: PolicyRule): number {
  return parseDuration(rule.maxDuration, 'maxDuration').durationInMinutes;
}

/** How long a request under the rule may wait for a decision, in minutes. */
export function decisionTimeoutInMinutes(rule: PolicyRule): number {
  return parseDuration(rule.decisionTimeout, 'decisionTimeout').durationInMinutes;
}

/** Every Bastion host the policy names, each once. */
export function bastionHostsOf(policy: AccessPolicy): BastionHostId[] {
  const byKey = new Map<string, BastionHostId>();
  for (const rule of policy.rules) {
    const bastion = parseResourceId(rule.bastionHostId, 'bastionHost');
    byKey.set(resourceKey(bastion), bastion);
  }
  return [...byKey.values()];
}

/** Every approver group the policy names, each once. */
export function approverGroupsOf(policy: AccessPolicy): string[] {
  return [...new Set(policy.rules.flatMap((rule) => rule.approverGroupIds))];
}

function matchesRule(rule: PolicyRule, vm: VmResourceId): boolean {
  return (
    rule.match.subscriptionId.toLowerCase() === vm.subscriptionId &&
    rule.match.resourceGroup.toLowerCase() === vm.resourceGroup.toLowerCase() &&
    wildcardToRegExp(rule.match.namePattern).test(vm.name)
  );
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\-]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}
