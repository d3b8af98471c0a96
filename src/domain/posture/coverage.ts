/**
 * Could the policy grant this standing access just in time instead? A
 * standing binding is worth converting only when the member could then ask
 * runwarden for the same role on the same services: otherwise removing it
 * would lock them out (SPEC §11: "no rule covers this yet", never converted).
 *
 * On a service: the rule that applies is the first invoker rule matching the
 * service (SPEC §5), and it covers the binding when it allows the role and
 * the member's type (`self` or `user` for a user, `group` for a group) and
 * the member is in the policy's domains. On a project (the role reaches every
 * service in it): the first invoker rule that could match one of the
 * project's services must match ALL of them (its location and service
 * segments are wildcards) and allow role and member the same way — so no
 * earlier rule shadows it for some services. Pure.
 */
import { findRule } from '../authority/standing';
import { checkMember } from '../policy/identity';
import { globProblem, matchSegment } from '../policy/glob';
import type { Policy, Rule } from '../policy/schema';
import { parseMember } from '../resourceNames';

/** The name the policy gives a rule in messages: its position among the rules, `invoker#2`. */
export function ruleLabel(rule: Rule, index: number): string {
  const named = (rule as Rule & { name?: unknown }).name;
  return typeof named === 'string' && named !== '' ? named : `${rule.kind}#${index + 1}`;
}

function allowsMember(policy: Policy, rule: Rule, member: string): boolean {
  const parsed = parseMember(member);
  if (!parsed || !checkMember(policy, member).ok) return false;
  if (parsed.type === 'user') return rule.members.includes('self') || rule.members.includes('user');
  if (parsed.type === 'group') return rule.members.includes('group');
  return false;
}

const anyId = (segment: string | undefined): boolean => segment !== undefined && /^\*+$/.test(segment);

type GlobReach = 'none' | 'some' | 'all';

/** Whether `glob` matches no service, some services or every service of project `project`. */
function reachInProject(glob: string, project: string): GlobReach {
  if (globProblem(glob) !== undefined) return 'none';
  const segments = glob.split('/');
  const shape: readonly string[] = ['projects', project, 'locations', '', 'services', ''];
  const rest = segments[segments.length - 1] === '**';
  const fixed = rest ? segments.length - 1 : segments.length;
  if (rest ? fixed >= shape.length : fixed !== shape.length) return 'none';
  let all = true;
  for (let index = 0; index < fixed; index += 1) {
    const segment = segments[index] ?? '';
    const word = shape[index] ?? '';
    if (word === '') {
      if (!anyId(segment)) all = false;
    } else if (!matchSegment(segment, word)) {
      return 'none';
    }
  }
  return all ? 'all' : 'some';
}

/**
 * The label of the rule that could grant `member` the role `role` on
 * `resource` (a service, or `projects/P` for a project-level binding) just
 * in time, or undefined when none could.
 */
export function coveringRule(
  policy: Policy,
  resource: string,
  level: 'service' | 'project',
  role: string,
  member: string,
): string | undefined {
  if (level === 'service') {
    const found = findRule(policy, 'invoker', resource);
    if (!found || !found.rule.roles.includes(role) || !allowsMember(policy, found.rule, member)) return undefined;
    return ruleLabel(found.rule, found.index);
  }
  const project = resource.slice('projects/'.length);
  for (const [index, rule] of policy.rules.entries()) {
    if (rule.kind !== 'invoker') continue;
    const reach = rule.resources.map((glob) => reachInProject(glob, project));
    if (reach.every((r) => r === 'none')) continue;
    // the first rule that reaches the project decides: it must reach all of it
    if (!reach.includes('all') || !rule.roles.includes(role) || !allowsMember(policy, rule, member)) return undefined;
    return ruleLabel(rule, index);
  }
  return undefined;
}
