use plumb_macros::Rule;

/// ## What it does
/// Reports a file that was deliberately not checked: it is larger than `max-file-size`, its
/// content is binary (it contains NUL bytes), or it is not a regular file (a FIFO, socket or
/// device).
///
/// A FIFO, socket or device with a source name is never opened: reading a FIFO would wait for
/// a writer forever.
///
/// ## Why is this bad?
/// Generated bundles and binary blobs with a source extension are usually not worth checking,
/// but leaving them out silently would hide them from the totals. The reason is shown instead.
///
/// ## Example
/// A 40 MB generated `schema.ts` in the source tree.
///
/// ## Use instead
/// Exclude generated files with `extend-exclude`, or raise `max-file-size`.
///
/// ## Options
/// `max-file-size` (bytes, default 5,000,000).
#[derive(Debug, Default, Rule)]
#[rule(
    code = "IO002",
    name = "skipped-file",
    family = "IO",
    scope = "engine",
    languages = "python, typescript, javascript",
    default_severity = "warning",
    since = "0.1.0"
)]
pub struct SkippedFile;
