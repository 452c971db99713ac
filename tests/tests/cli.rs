//! End-to-end tests of the cli. (Being written.)
