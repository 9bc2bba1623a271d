//! Document content for every output: the threat register as JSON and CSV now; the
//! reports issue adds PDF (`report::pdf`, the only module that knows printpdf), HTML,
//! Markdown and SARIF. Output is deterministic: the same input gives the same bytes.

pub mod register;
