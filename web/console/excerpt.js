// Pure text helpers of the console (no DOM): unit-tested in tests/js/.

/**
 * A knowledge answer (Markdown) as a one-line excerpt: the Markdown marks go (headings,
 * quotes, list bullets, bold, code), the text stays whole: parentheses, ">" in a sentence,
 * a link's address after its text.
 */
export function excerptOf(markdown, max = 160) {
  const text = String(markdown || "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\((\S+?)(?:\s+"[^"]*")?\)/g, (_, label, url) => (label === url ? url : `${label} (${url})`))
    .replace(/^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d+[.)][ \t]+)/gm, "")
    .replace(/\*\*|__|`/g, "")
    .replace(/(^|\s)\*(\S)/g, "$1$2").replace(/(\S)\*(?=\s|$|[.,;:!?])/g, "$1")
    .replace(/\s+/g, " ").trim();
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join("").trimEnd()}…` : text;
}
