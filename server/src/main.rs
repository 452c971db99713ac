//! `verbatim-server`. (Stub: being written.)
fn main() {}
