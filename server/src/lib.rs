//! Verbatim's HTTP API. (Stub: being written.)
