//! "Did you mean" for unresolved imports: the existing name closest to the one written.
//!
//! A rename (`execution_engines` for `execution_engine`) or a typo is the usual cause of an
//! unresolved first-party import, so naming the near miss saves a directory listing. Only close
//! names are offered (a wrong suggestion is worse than none), and ties go to the smaller name so
//! the message is the same on every run.

/// The candidate closest to `written`: edit distance at most 2 (and less than the length of
/// the shorter name, so `ab` never suggests `cd`), or a singular/plural pair (`strategy` /
/// `strategies`). Ties are broken by name.
pub(crate) fn closest<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|candidate| *candidate != written)
        .filter_map(|candidate| {
            let shorter = written.chars().count().min(candidate.chars().count());
            let distance = if is_plural_pair(written, candidate) {
                1
            } else {
                edit_distance(written, candidate)
            };
            (distance <= 2 && distance < shorter).then_some((distance, candidate))
        })
        .min()
        .map(|(_, candidate)| candidate)
}

/// `name` and `name + s/es`, or `...y` and `...ies`, either way round.
fn is_plural_pair(a: &str, b: &str) -> bool {
    let plural = |one: &str, many: &str| {
        many.strip_prefix(one)
            .is_some_and(|rest| rest == "s" || rest == "es")
            || one
                .strip_suffix('y')
                .is_some_and(|stem| many.strip_prefix(stem) == Some("ies"))
    };
    plural(a, b) || plural(b, a)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_plurals_and_ties() {
        let names = ["base", "execution_engine", "helpers"];
        assert_eq!(
            closest("execution_engines", names),
            Some("execution_engine")
        );
        assert_eq!(closest("helper", names), Some("helpers"));
        assert_eq!(closest("missing", names), None);
        assert_eq!(closest("strategies", ["strategy"]), Some("strategy"));
        assert_eq!(closest("ab", ["cd"]), None);
        assert_eq!(closest("cat", ["car", "bat"]), Some("bat"));
        assert_eq!(closest("same", ["same"]), None);
    }
}
