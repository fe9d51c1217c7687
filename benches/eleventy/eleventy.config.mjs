// The Eleventy peer of benches/run.sh (benches/eleventy_peer.sh): every note of the vault as plain
// markdown in a one-line layout, and a page per tag listing its notes, as the Hugo peer builds them.
// Wikilinks stay as text; Dataview blocks stay code. Markdown is not run through a template language
// first (a vault's `{{` is text).
export default function (eleventyConfig) {
  eleventyConfig.addGlobalData("layout", "note.njk");
  eleventyConfig.addTemplate(
    "_includes/note.njk",
    "<!doctype html><html><head><title>{{ title or page.fileSlug }}</title></head><body><main>{{ content | safe }}</main></body></html>",
  );
  eleventyConfig.addTemplate(
    "tag-pages.njk",
    `<!doctype html><html><head><title>{{ tag }}</title></head><body><ul>{% for p in collections[tag] %}<li><a href="{{ p.url }}">{{ p.data.title or p.fileSlug }}</a></li>{% endfor %}</ul></body></html>`,
    {
      pagination: { data: "collections", size: 1, alias: "tag", filter: ["all"] },
      permalink: "/tags/{{ tag | slugify }}/",
      layout: false,
      eleventyExcludeFromCollections: true,
    },
  );
  return { markdownTemplateEngine: false, htmlTemplateEngine: "njk" };
}
