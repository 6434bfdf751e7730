//! Shared helpers of the engine's integration tests.
pub mod openapi;
