//! Stage 5: rendered pages become a site on disk: themes (tera), minify, search index, sitemap,
//! attachments, written to a temporary folder and swapped in atomically.
