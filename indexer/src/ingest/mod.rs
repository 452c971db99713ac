//! Reading a corpus directory into documents and passages. (Stub: being written.)
