/**
 * The IAM types runwarden speaks in (google.iam.v1 Binding and Expr, as
 * runwarden reads and writes them): a role, its members, and an optional
 * condition. The IAM port (src/ports.ts) and its adapter
 * (src/adapters/gcp/runIamPolicy.ts) take and return these; the domain
 * builds and compares them (iamCondition.ts, ownBinding.ts). Pure types.
 */

/** google.type.Expr as IAM conditions use it; runwarden's own carry the title `runwarden-<request id>`. */
export interface IamCondition {
  title: string;
  description: string;
  /** a CEL expression; runwarden's are built from timestamps only (iamCondition.ts), never from user text */
  expression: string;
}

/** google.iam.v1.Binding: `members` are IAM principals (`user:…`, `group:…`, `serviceAccount:…`). */
export interface IamBinding {
  role: string;
  members: string[];
  condition?: IamCondition | undefined;
}
