//! Times as transcripts and captions write them (`1:02:03`, `00:01:02.500`, `01:02,5`), in seconds.

/// `h:mm:ss(.mmm)` or `mm:ss(.mmm)` (a comma or full stop before the fraction) as whole
/// seconds, and whether a field past 59 was carried over (`00:00:70` is 70 seconds).
pub(super) fn clock(text: &str) -> Option<(u32, bool)> {
    let whole = text.split(['.', ',']).next()?;
    let parts: Vec<u32> = whole
        .split(':')
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    let (h, m, s) = match parts.as_slice() {
        [m, s] => (0, *m, *s),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    let seconds = h
        .checked_mul(3600)?
        .checked_add(m.checked_mul(60)?)?
        .checked_add(s)?;
    Some((seconds, m >= 60 || s >= 60))
}

/// Seconds as `hh:mm:ss`, the way passages cite a cue.
pub(super) fn clock_text(seconds: u32) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// A written time as seconds.
pub(super) fn seconds(text: &str) -> Option<u32> {
    clock(text).map(|(seconds, _)| seconds)
}
