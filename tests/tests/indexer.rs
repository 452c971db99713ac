//! End-to-end tests of the indexer. (Being written.)
