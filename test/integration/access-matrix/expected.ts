/**
 * The expected answer of one matrix cell, from the two table rows (docs/auth.md):
 * refused credentials → 401; a repository the caller may not read (or that does not exist)
 * → 404, or the 401 challenge for anonymous where the route needs one; short of the role →
 * 401 anonymous / 403 (or the row's own denial); otherwise the row's allowed outcome.
 */
import type { Role } from "../../../src/auth/principal";
import type { Outcome, PrincipalRow, RepoFixture, RouteRow } from "./table";

const rank: Record<Role, number> = { read: 1, write: 2, admin: 3 };
const holds = (principal: PrincipalRow, repo: string, need: Role): boolean => {
  const role = principal.role(repo);
  return role !== null && rank[role] >= rank[need];
};

export function readable(principal: PrincipalRow, repo: RepoFixture): boolean {
  return repo.exists && (repo.visibility === "public" || holds(principal, repo.name, "read"));
}

export function expected(principal: PrincipalRow, route: RouteRow, repo: RepoFixture | null): Outcome & { hidden: boolean } {
  const anonymous = principal.credential.kind === "anonymous";
  const result = (outcome: Outcome, hidden = false) => ({ ...outcome, hidden });
  if (principal.rejected) return result({ status: 401 });
  if (route.need === "nobody") return result(route.allowed(repo ?? (null as never)));
  if (repo && !readable(principal, repo)) return result({ status: anonymous && route.anonymousChallenge ? 401 : 404 }, true);
  const denied = () => result({ status: anonymous ? 401 : (route.deniedStatus ?? 403) });
  if (route.need === "authenticated") return anonymous ? denied() : result(route.allowed(repo ?? (null as never)));
  if (route.need === "instance admin") return principal.instanceAdmin ? result(route.allowed(repo ?? (null as never))) : denied();
  if (!repo) throw new Error(`${route.id}: a role needs a repository`);
  if (route.need !== "read" && !holds(principal, repo.name, route.need)) return denied();
  if (route.viaDeployMember && repo.deployMember && !holds(principal, repo.deployMember, "write")) return denied();
  return result(route.allowed(repo));
}
