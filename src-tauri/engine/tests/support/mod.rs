//! Shared helpers of the engine's integration tests.
pub mod engine_env;
pub mod openapi;
