// Maven version ordering: a port of Maven 3.9.6's ComparableVersion (parse into nested
// item lists, normalise trailing nulls, compare item by item).
// Spec: https://maven.apache.org/ref/3.9.6/maven-artifact/apidocs/org/apache/maven/artifact/versioning/ComparableVersion.html
// and https://maven.apache.org/pom.html#version-order-specification
// Deviation: only ASCII 0-9 count as digits (Java's Character.isDigit also accepts other scripts).

/** Numbers keep Java's int/long/BigInteger tier: Maven compares across tiers by tier alone. */
interface NumberItem {
  readonly t: "num";
  readonly tier: 0 | 1 | 2;
  readonly value: bigint;
}
interface StringItem {
  readonly t: "str";
  readonly value: string;
}
interface ListItem {
  readonly t: "list";
  readonly items: Item[];
}
type Item = NumberItem | StringItem | ListItem;

const QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"] as const;
const ALIASES: Readonly<Record<string, string>> = { ga: "", final: "", release: "", cr: "rc" };
const RELEASE_VERSION_INDEX = String(QUALIFIERS.indexOf(""));
const MAX_INT_LENGTH = 9;
const MAX_LONG_LENGTH = 18;
const ZERO: NumberItem = { t: "num", tier: 0, value: 0n };

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDigitChar(c: string): boolean {
  return c >= "0" && c <= "9";
}

function stringItem(raw: string, followedByDigit: boolean): StringItem {
  let value = raw;
  if (followedByDigit && value.length === 1) {
    // a1 = alpha-1, b1 = beta-1, m1 = milestone-1
    if (value === "a") value = "alpha";
    else if (value === "b") value = "beta";
    else if (value === "m") value = "milestone";
  }
  return { t: "str", value: ALIASES[value] ?? value };
}

function numberItem(raw: string): NumberItem {
  const stripped = raw.replace(/^0+(?=.)/, "");
  // Java keeps an all-zero string as-is, so its length (not its value) picks the tier.
  const digits = /^0+$/.test(raw) ? raw : stripped;
  const tier = digits.length <= MAX_INT_LENGTH ? 0 : digits.length <= MAX_LONG_LENGTH ? 1 : 2;
  return { t: "num", tier, value: BigInt(stripped) };
}

function parseItem(isDigit: boolean, buf: string): Item {
  return isDigit ? numberItem(buf) : stringItem(buf, false);
}

/** Unknown qualifiers sort after known ones, lexically (Maven's comparableQualifier). */
function comparableQualifier(qualifier: string): string {
  const index = (QUALIFIERS as readonly string[]).indexOf(qualifier);
  return index === -1 ? `${QUALIFIERS.length}-${qualifier}` : String(index);
}

function isNull(item: Item): boolean {
  switch (item.t) {
    case "num":
      return item.value === 0n;
    case "str":
      return comparableQualifier(item.value) === RELEASE_VERSION_INDEX;
    case "list":
      return item.items.length === 0;
  }
}

/** Remove trailing null items (0, "", empty lists), looking through trailing sub-lists. */
function normalize(list: ListItem): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const last = list.items[i];
    if (last === undefined) continue;
    if (isNull(last)) list.items.splice(i, 1);
    else if (last.t !== "list") break;
  }
}

function parseVersion(version: string): ListItem {
  const v = version.toLowerCase();
  const root: ListItem = { t: "list", items: [] };
  const stack: ListItem[] = [root];
  let list = root;
  let isDigit = false;
  let start = 0;
  const openList = (): void => {
    const next: ListItem = { t: "list", items: [] };
    list.items.push(next);
    list = next;
    stack.push(next);
  };

  for (let i = 0; i < v.length; i++) {
    const c = v.charAt(i);
    if (c === ".") {
      list.items.push(i === start ? ZERO : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
    } else if (c === "-") {
      list.items.push(i === start ? ZERO : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      openList();
    } else if (isDigitChar(c)) {
      if (!isDigit && i > start) {
        // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X
        if (list.items.length > 0) openList();
        list.items.push(stringItem(v.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, v.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }

  if (v.length > start) {
    if (!isDigit && list.items.length > 0) openList();
    list.items.push(parseItem(isDigit, v.slice(start)));
  }

  for (let popped = stack.pop(); popped !== undefined; popped = stack.pop()) normalize(popped);
  return root;
}

/** Compare an item with another item, or with "nothing" (the shorter side of a list). */
function compareItem(a: Item, b: Item | undefined): number {
  switch (a.t) {
    case "num":
      if (b === undefined) return a.value === 0n ? 0 : 1; // 1.0 == 1, 1.1 > 1
      if (b.t !== "num") return 1; // 1.1 > 1-sp, 1.1 > 1-1
      if (a.tier !== b.tier) return sign(a.tier - b.tier);
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    case "str":
      // 1-rc < 1, 1-ga > 1
      if (b === undefined) return compareStrings(comparableQualifier(a.value), RELEASE_VERSION_INDEX);
      if (b.t !== "str") return -1; // 1.any < 1.1, 1.any < 1-1
      return compareStrings(comparableQualifier(a.value), comparableQualifier(b.value));
    case "list":
      return compareList(a, b);
  }
}

function compareList(a: ListItem, b: Item | undefined): number {
  if (b === undefined) {
    // Compare every item with null, not just the first (MNG-6964).
    for (const item of a.items) {
      const result = compareItem(item, undefined);
      if (result !== 0) return result;
    }
    return 0;
  }
  if (b.t === "num") return -1; // 1-1 < 1.0.x
  if (b.t === "str") return 1; // 1-1 > 1-sp
  const length = Math.max(a.items.length, b.items.length);
  for (let i = 0; i < length; i++) {
    const l = a.items[i];
    const r = b.items[i];
    const result = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

function canonicalOf(list: ListItem): string {
  let out = "";
  for (const item of list.items) {
    if (out.length > 0) out += item.t === "list" ? "-" : ".";
    out += item.t === "list" ? canonicalOf(item) : item.t === "num" ? item.value.toString() : item.value;
  }
  return out;
}

/** Maven's ordering of two version strings: negative, 0 or positive (always -1, 0 or 1). */
export function compareMavenVersions(a: string, b: string): number {
  return compareList(parseVersion(a), parseVersion(b));
}

/** Maven's canonical form of a version (ComparableVersion.getCanonical), e.g. "1.0.0-GA" -> "1". */
export function canonicalMavenVersion(version: string): string {
  return canonicalOf(parseVersion(version));
}

/** A new array sorted ascending in Maven order; the sort is stable for equal versions. */
export function sortMavenVersions(versions: readonly string[]): string[] {
  return [...versions].sort(compareMavenVersions);
}
