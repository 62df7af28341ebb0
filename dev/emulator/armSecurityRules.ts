import { estate, estateIds } from '../seed.js';
import { armError, invalidRequest, resourceNotFound } from './armErrors.js';
import { asyncOperationUrl } from './armOperations.js';
import type { EmulatorContext } from './context.js';
import { isSeededGroup } from './estate.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { EmulatorFailure, empty, isObject, json, tryParseJson } from './http.js';
import type { Route } from './router.js';
import { pathPattern } from './router.js';
import type { StoredSecurityRule } from './state.js';

const nsgPath =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}' +
  '/providers/Microsoft.Network/networkSecurityGroups/{nsgName}';
const rulePath = `${nsgPath}/securityRules/{ruleName}`;

/** Routes for the security rules of the seeded NSG (SecurityRules_* in the NSG spec). */
export function securityRuleRoutes(context: EmulatorContext): Route[] {
  const withNsg =
    (handler: (request: EmulatorRequest) => EmulatorResponse) => (request: EmulatorRequest) => {
      requireNsg(request);
      return handler(request);
    };
  return [
    {
      method: 'GET',
      pattern: pathPattern(rulePath, 'i'),
      handler: withNsg((r) => getRule(context, r)),
    },
    {
      method: 'PUT',
      pattern: pathPattern(rulePath, 'i'),
      handler: withNsg((r) => putRule(context, r)),
    },
    {
      method: 'DELETE',
      pattern: pathPattern(rulePath, 'i'),
      handler: withNsg((r) => deleteRule(context, r)),
    },
    {
      method: 'GET',
      pattern: pathPattern(`${nsgPath}/securityRules`, 'i'),
      handler: withNsg(() =>
        json(200, { value: [...context.state.securityRules.values()].map(toArmRule) }),
      ),
    },
  ];
}

function getRule(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const rule = context.state.securityRules.get(ruleKey(request));
  if (!rule) {
    return ruleNotFound(request);
  }
  return json(200, toArmRule(rule));
}

function putRule(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const name = request.params.ruleName ?? '';
  const properties = readRuleProperties(request);
  const clash = [...context.state.securityRules.values()].find(
    (other) =>
      other.name.toLowerCase() !== name.toLowerCase() &&
      other.properties.priority === properties.priority &&
      other.properties.direction === properties.direction,
  );
  if (clash) {
    return armError(
      400,
      'SecurityRuleConflict',
      `Security rule ${name} conflicts with rule ${clash.name}: rules cannot have the same ` +
        'priority and direction.',
    );
  }

  const existed = context.state.securityRules.has(ruleKey(request));
  const rule = { name, properties };
  context.state.securityRules.set(ruleKey(request), rule);
  return json(existed ? 200 : 201, toArmRule(rule));
}

function deleteRule(context: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  if (!context.state.securityRules.delete(ruleKey(request))) {
    return empty(204);
  }
  return context.operations.acceptWithAsyncOperation(asyncOperationUrl(context, request));
}

function readRuleProperties(request: EmulatorRequest): Record<string, unknown> {
  const body = tryParseJson(request);
  const properties = isObject(body) && isObject(body.properties) ? body.properties : undefined;
  if (!properties) {
    throw new EmulatorFailure(invalidRequest('The security rule needs "properties".'));
  }
  const { priority, direction, access, protocol } = properties;
  if (
    typeof priority !== 'number' ||
    !Number.isInteger(priority) ||
    priority < 100 ||
    priority > 4096
  ) {
    throw new EmulatorFailure(
      armError(400, 'SecurityRuleInvalidPriority', 'Priority must be between 100 and 4096.'),
    );
  }
  if (
    !['Inbound', 'Outbound'].includes(String(direction)) ||
    !['Allow', 'Deny'].includes(String(access))
  ) {
    throw new EmulatorFailure(invalidRequest('The rule needs a direction and an access.'));
  }
  if (typeof protocol !== 'string') {
    throw new EmulatorFailure(invalidRequest('The rule needs a protocol.'));
  }
  // provisioningState is read-only: ARM ignores it on a PUT and reports its own.
  const writable = { ...properties };
  delete writable.provisioningState;
  return writable;
}

function requireNsg(request: EmulatorRequest): void {
  const { subscriptionId = '', resourceGroupName = '', nsgName = '' } = request.params;
  const known = nsgName.toLowerCase() === estate.networkSecurityGroup.name.toLowerCase();
  if (!known || !isSeededGroup(subscriptionId, resourceGroupName)) {
    throw new EmulatorFailure(
      resourceNotFound('Microsoft.Network/networkSecurityGroups', nsgName, resourceGroupName),
    );
  }
}

function ruleNotFound(request: EmulatorRequest): EmulatorResponse {
  const { nsgName = '', ruleName = '' } = request.params;
  return armError(404, 'NotFound', `Security rule ${ruleName} of ${nsgName} was not found.`);
}

function ruleKey(request: EmulatorRequest): string {
  return (request.params.ruleName ?? '').toLowerCase();
}

function toArmRule(rule: StoredSecurityRule): Record<string, unknown> {
  return {
    name: rule.name,
    id: `${estateIds.networkSecurityGroup}/securityRules/${rule.name}`,
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    properties: { ...rule.properties, provisioningState: 'Succeeded' },
  };
}
