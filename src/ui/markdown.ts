/**
 * README rendering: markdown-it (CommonMark, maintained, no dependencies beyond its own small
 * ones, runs in Workers) with raw HTML off (`html: false`: tags in the source are shown as
 * text) and only http(s)/mailto links and http(s) images kept; every other scheme
 * (`javascript:`, `data:`, `vbscript:`, `file:`) is dropped by `validateLink`. Links get
 * `rel="nofollow noopener noreferrer"`. The output is the only HTML the UI inserts unescaped.
 */
import MarkdownIt from "markdown-it";

const safeScheme = /^(https?:|mailto:)/i;
/** Relative links (`#section`, `docs/x.md`) carry no scheme and stay. */
const hasScheme = /^[a-z][a-z0-9+.-]*:/i;

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
md.validateLink = (url: string): boolean => {
  const trimmed = url.trim();
  return !hasScheme.test(trimmed) || safeScheme.test(trimmed);
};

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet("rel", "nofollow noopener noreferrer");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** READMEs above this size are cut before rendering (a 1 MB README is a page nobody reads). */
export const MAX_README_CHARS = 200_000;

export function renderMarkdown(source: string): string {
  return md.render(source.slice(0, MAX_README_CHARS));
}
