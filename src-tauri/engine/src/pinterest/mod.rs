//! The Pinterest API v5 client: typed bodies (`types`), rate-limit signals parsed from every
//! response (`ratelimit`), and the closed set of outcomes the scheduler acts on (`outcome`).

pub mod ratelimit;
pub mod types;
