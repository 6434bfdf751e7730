//! Shared helpers of the engine's integration tests, one module per kind of set-up: `sim` (a
//! simulator on a manual clock with two accounts), `engine_env` (an engine wired to a simulator),
//! `exactly_once_judge` (the simulator's record as the judge), `openapi` and `spec_answer`
//! (Pinterest's OpenAPI spec as the contract), `cli_run` (a real `pinpace-cli` process), `raw_sql`
//! (a second connection to a test's database file), and
//! `real_time` (the lock that keeps the tests that measure wall-clock time apart).
pub mod cli_run;
pub mod engine_env;
pub mod exactly_once_judge;
pub mod openapi;
pub mod raw_sql;
pub mod real_time;
pub mod sim;
pub mod spec_answer;
