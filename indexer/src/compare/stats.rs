//! The statistics of comparing two groups' words, as pure functions of raw counts, so a reviewer
//! can recompute every figure from the counts the API returns.
//!
//! A term occurs `a` times in a target of `c` words and `b` times in a reference of `d` words.
//!
//! For collocates (as #LancsBox documents them, Brezina et al. 2015): a collocate occurs `o11`
//! times within the windows of a node that occurs `r1` times, and `c1` times in all, in `n` words.

/// Occurrences per 10,000 words (0 for an empty text).
pub fn per_10k(count: u64, words: u64) -> f64 {
    if words == 0 {
        0.0
    } else {
        count as f64 * 10_000.0 / words as f64
    }
}

/// Dunning's (1993) log-likelihood G²: twice the sum, over both groups, of the observed count
/// times the log of observed over expected, where the expected counts share the term's total in
/// proportion to the groups' sizes. A group that does not use the term adds nothing
/// (0 · ln 0 = 0).
pub fn log_likelihood(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let total_words = (c + d) as f64;
    if total_words == 0.0 {
        return 0.0;
    }
    let occurrences = (a + b) as f64;
    let expected_target = c as f64 * occurrences / total_words;
    let expected_reference = d as f64 * occurrences / total_words;
    2.0 * (observed_term(a, expected_target) + observed_term(b, expected_reference))
}

fn observed_term(observed: u64, expected: f64) -> f64 {
    if observed == 0 {
        0.0
    } else {
        let observed = observed as f64;
        observed * (observed / expected).ln()
    }
}

/// Hardie's (2014) Log Ratio: the binary log of the ratio of the relative frequencies in target
/// and reference. A zero count is taken as 0.5, so a term one group never uses still gets a
/// finite effect size.
pub fn log_ratio(a: u64, b: u64, c: u64, d: u64) -> f64 {
    if c == 0 || d == 0 {
        return 0.0;
    }
    let adjusted = |count: u64| if count == 0 { 0.5 } else { count as f64 };
    ((adjusted(a) / c as f64) / (adjusted(b) / d as f64)).log2()
}

/// Whether the term is relatively more frequent in the target than in the reference.
pub fn over_represented(a: u64, b: u64, c: u64, d: u64) -> bool {
    // a/c > b/d without division.
    u128::from(a) * u128::from(d) > u128::from(b) * u128::from(c)
}

/// Mutual information of a node and a collocate: log2(O11 / E11), where E11 = R1 · C1 / N is
/// the co-occurrences expected by chance (0 when any count is 0).
pub fn mutual_information(o11: u64, r1: u64, c1: u64, n: u64) -> f64 {
    if o11 == 0 || r1 == 0 || c1 == 0 || n == 0 {
        return 0.0;
    }
    let expected = r1 as f64 * c1 as f64 / n as f64;
    (o11 as f64 / expected).log2()
}

/// Log-likelihood G² of node and collocate: 2 Σ Oij ln(Oij / Eij) over the 2×2 table of
/// O11 (together), O12 = R1 − O11 (the node without the collocate), O21 = C1 − O11 (the
/// collocate without the node) and O22 = N − R1 − C1 + O11, with Eij = Ri · Cj / N. A cell
/// that would be negative (a collocate seen twice in one node's window) counts as 0.
pub fn collocation_log_likelihood(o11: u64, r1: u64, c1: u64, n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let (o11, r1, c1, n) = (o11 as f64, r1 as f64, c1 as f64, n as f64);
    let cells = [
        (o11, r1, c1),
        ((r1 - o11).max(0.0), r1, n - c1),
        ((c1 - o11).max(0.0), n - r1, c1),
        ((n - r1 - c1 + o11).max(0.0), n - r1, n - c1),
    ];
    2.0 * cells
        .iter()
        .map(|&(observed, row, column)| {
            let expected = row * column / n;
            if observed == 0.0 || expected <= 0.0 {
                0.0
            } else {
                observed * (observed / expected).ln()
            }
        })
        .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-6,
            "expected {expected}, got {actual}"
        );
    }

    #[test]
    fn rates_per_ten_thousand_words() {
        close(per_10k(3, 1500), 20.0);
        close(per_10k(0, 1500), 0.0);
        close(per_10k(3, 0), 0.0);
    }

    #[test]
    fn log_likelihood_by_hand() {
        // 10 in 1,000 words against 5 in 2,000: expected 5 and 10, so
        // G² = 2 (10 ln 2 + 5 ln 0.5) = 10 ln 2 = 6.931472.
        close(log_likelihood(10, 5, 1000, 2000), 6.931_471_805_6);
        // Absent from the target: 4 in 100 against 0 in 100, expected 2 and 2,
        // G² = 2 (4 ln 2) = 5.545177.
        close(log_likelihood(0, 4, 100, 100), 5.545_177_444_5);
        // Same relative frequency: no evidence either way.
        close(log_likelihood(3, 6, 100, 200), 0.0);
        close(log_likelihood(0, 0, 0, 0), 0.0);
    }

    #[test]
    fn log_ratio_by_hand() {
        // (10/1000) / (5/2000) = 4 -> 2 points.
        close(log_ratio(10, 5, 1000, 2000), 2.0);
        // A zero reference count is taken as 0.5: (4/100) / (0.5/100) = 8 -> 3 points.
        close(log_ratio(4, 0, 100, 100), 3.0);
        close(log_ratio(0, 4, 100, 100), -3.0);
    }

    #[test]
    fn collocation_statistics_by_hand() {
        // 10 together, a node of 20 and a collocate of 50 in 1,000 words: E11 = 1, MI = log2 10;
        // cells 10, 10, 40, 940 against 1, 19, 49, 931.
        close(
            mutual_information(10, 20, 50, 1000),
            std::f64::consts::LOG2_10,
        );
        close(
            collocation_log_likelihood(10, 20, 50, 1000),
            35.066_080_832_2,
        );
        // As often as chance: MI 0, G² 0.
        close(mutual_information(1, 20, 50, 1000), 0.0);
        close(collocation_log_likelihood(1, 20, 50, 1000), 0.0);
        close(mutual_information(0, 20, 50, 1000), 0.0);
    }

    #[test]
    fn over_representation_compares_relative_frequencies() {
        assert!(over_represented(10, 5, 1000, 2000));
        assert!(!over_represented(3, 6, 100, 200));
        assert!(!over_represented(1, 30, 100, 200));
        assert!(over_represented(1, 0, 100, 200));
    }
}
