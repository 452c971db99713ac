//! `verbatim`. (Stub: being written.)
fn main() {}
