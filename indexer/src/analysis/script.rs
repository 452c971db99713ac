//! Traditional and Simplified Chinese as one: every Traditional character folds to its
//! Simplified form, one character for one, through OpenCC's character table
//! (`dict/opencc-TSCharacters.txt`, see `dict/README.md`).
//!
//! Character for character, not phrase by phrase: a query in either script then finds text in
//! either, and a fold never moves a character, so positions and the Chinese segmentation of the
//! folded text line up with the text as written. Regional vocabulary (軟件, 軟體) is not folded.

use std::collections::HashMap;
use std::sync::OnceLock;

/// OpenCC's table: `traditional<TAB>simplified [alternatives]`, `#` comments.
const TABLE: &str = include_str!("../../dict/opencc-TSCharacters.txt");

/// The range looked up in a dense table: the CJK Unified Ideographs and Extension A, where
/// almost every Traditional character is.
const DENSE: std::ops::RangeInclusive<u32> = 0x3400..=0x9FFF;

/// The fold of every character, built on first use.
struct Fold {
    /// For each character of [`DENSE`], its fold (itself when it has none).
    dense: Vec<char>,
    /// Folds of characters outside [`DENSE`].
    sparse: HashMap<char, char>,
}

fn fold_table() -> &'static Fold {
    static FOLD: OnceLock<Fold> = OnceLock::new();
    FOLD.get_or_init(|| {
        let pairs = parse(TABLE);
        let lookup: HashMap<char, char> = pairs.iter().copied().collect();
        // A few Simplified forms are Traditional forms of another character (薴 → 苧 → 苎):
        // fold to the end of the chain, so folding twice changes nothing.
        let last = |mut c: char| {
            for _ in 0..4 {
                match lookup.get(&c) {
                    Some(&next) if next != c => c = next,
                    _ => break,
                }
            }
            c
        };
        let mut dense: Vec<char> = DENSE.filter_map(char::from_u32).collect();
        let mut sparse = HashMap::new();
        for &(from, _) in &pairs {
            let to = last(from);
            if DENSE.contains(&u32::from(from)) {
                dense[(u32::from(from) - DENSE.start()) as usize] = to;
            } else {
                sparse.insert(from, to);
            }
        }
        Fold { dense, sparse }
    })
}

/// The table's pairs: each Traditional character and its first Simplified form.
fn parse(table: &str) -> Vec<(char, char)> {
    table
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (from, to) = line.split_once('\t')?;
            let from = single_char(from)?;
            let to = single_char(to.split(' ').next()?)?;
            Some((from, to))
        })
        .collect()
}

fn single_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The Simplified form of a character (itself when it has none).
pub(crate) fn fold(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    let fold = fold_table();
    let code = u32::from(c);
    if DENSE.contains(&code) {
        fold.dense[(code - DENSE.start()) as usize]
    } else {
        fold.sparse.get(&c).copied().unwrap_or(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::is_cjk;

    #[test]
    fn traditional_characters_fold_to_simplified_and_simplified_ones_stay() {
        let folded: String = "初級保健與醫療服務體系".chars().map(fold).collect();
        assert_eq!(folded, "初级保健与医疗服务体系");
        let simplified = "初级保健与医疗服务体系 GP";
        assert_eq!(simplified.chars().map(fold).collect::<String>(), simplified);
        // A chain folds to its end.
        assert_eq!(fold('薴'), '苎');
    }

    #[test]
    fn the_whole_table_is_read_and_folds_han_to_han_once_and_for_all() {
        let pairs = parse(TABLE);
        assert!(pairs.len() > 4000, "{} pairs", pairs.len());
        for (from, _) in pairs {
            let to = fold(from);
            assert!(is_cjk(from) && is_cjk(to), "{from} → {to}");
            assert_eq!(fold(to), to, "{from} → {to} folds again");
        }
    }
}
