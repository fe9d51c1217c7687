//! Stage 4: the Index (and the derived views) become pages: HTML bodies with links, embeds, callouts
//! and Dataview blocks resolved, plus the serialisable context each template receives.
//! Never reads files; URLs are made only in `urls`.
