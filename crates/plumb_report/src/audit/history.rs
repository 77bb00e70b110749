//! `--history FILE`: one JSON object per line and audit, appended, so the HTML can draw the
//! trend. The CLI reads and appends the file; this module only says what a line holds.

use serde::{Deserialize, Serialize};

use super::model::Headline;

/// One recorded audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When the audit ran, RFC 3339 in UTC.
    pub time: String,
    /// `git rev-parse HEAD` of the audited tree, when it is in a git work tree.
    #[serde(default)]
    pub commit: Option<String>,
    pub headline: Headline,
}

impl HistoryEntry {
    /// Overall compliance percentage, when any file was checked.
    pub(crate) fn overall_percent(&self) -> Option<f64> {
        self.headline
            .compliance
            .iter()
            .find(|scope| scope.scope == "overall")
            .and_then(|scope| scope.percent)
    }
}
