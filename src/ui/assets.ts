/**
 * The UI's only static assets, served from the Worker: one plain stylesheet and one small
 * script (copy buttons). Both are same-origin files so the Content-Security-Policy allows no
 * inline script or style at all.
 */

export const stylesheet = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #4a5560; --line: #d0d7de; --bg: #ffffff; --soft: #f6f8fa; --accent: #0b5cad; --bad: #a40e26; --ok: #116329; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f0b400; outline-offset: 1px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.5rem; background: #24292f; color: #fff; }
header.top a, header.top .who { color: #fff; }
header.top .brand { font-weight: 700; text-decoration: none; font-size: 1.1rem; }
header.top nav ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; flex-wrap: wrap; }
header.top form { margin: 0; }
header.top button { background: transparent; color: #fff; border: 1px solid #8c959f; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 1.75rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; overflow-wrap: normal; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
pre { background: var(--soft); border: 1px solid var(--line); padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; border: 1px solid var(--line); background: var(--soft); font-size: .85em; margin-right: .25rem; }
.badge.private { border-color: #8a6d00; color: #6a5300; }
.badge.bad { border-color: var(--bad); color: var(--bad); }
.muted { color: var(--muted); }
.error { color: var(--bad); border: 1px solid var(--bad); padding: .5rem .8rem; background: #fff5f5; }
.notice { color: var(--ok); border: 1px solid var(--ok); padding: .5rem .8rem; background: #f3fff5; }
form.inline { display: inline; }
form.stack { display: grid; gap: .6rem; max-width: 40rem; }
form.stack label { display: grid; gap: .2rem; font-weight: 600; }
form.search { display: flex; gap: .5rem; margin: .5rem 0 1rem; }
input, select, textarea { font: inherit; padding: .3rem .45rem; border: 1px solid #8c959f; border-radius: 4px; }
textarea { min-height: 6rem; font-family: ui-monospace, monospace; }
button { font: inherit; padding: .3rem .8rem; border-radius: 4px; border: 1px solid #8c959f; background: var(--soft); cursor: pointer; color: var(--fg); }
button.danger { border-color: var(--bad); color: var(--bad); }
.snippet { display: grid; grid-template-columns: 10rem 1fr auto; gap: .3rem .6rem; align-items: start; margin: .35rem 0; }
.snippet h3 { font-size: .95rem; margin: .45rem 0 0; }
.snippet pre { margin: 0; padding: .4rem .6rem; }
.snippet .copy { margin-top: .15rem; }
@media (max-width: 40rem) { .snippet { grid-template-columns: 1fr; } }
.readme { border: 1px solid var(--line); padding: .5rem 1.2rem; border-radius: 6px; }
.readme img { max-width: 100%; }
.pager { display: flex; gap: 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
`;

/** Copy buttons: progressive enhancement; without JavaScript the snippet is still selectable text. */
export const copyScript = `
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) return;
    var text = source.textContent || "";
    var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 2000); };
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, function () {}); return; }
    var range = document.createRange(); range.selectNodeContents(source);
    var selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
    try { document.execCommand("copy"); done(); } catch (e) {}
  });
});
`;
