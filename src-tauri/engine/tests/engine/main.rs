//! The engine's integration tests, as one test binary (issue 15): each file here was once its own
//! binary, and each linked axum, hyper, reqwest and keyring again. Now they compile and link
//! once, share one `support` folder, and run in parallel threads like the tests inside a file
//! always did. `make soak` runs `soak::full_soak` from here.
//!
//! What each module checks: `cli` the headless CLI; `client_vs_sim`, `connect_vs_sim`,
//! `scheduler_vs_sim`, `scheduler_floor`, `exactly_once`, `fail_closed` the engine against the
//! simulator; `custom_server` which app's secret a custom server is sent; `crash_kill` and
//! `soak` real processes killed at random moments; `import` the import pipeline;
//! `demo_workspace` the demo data; `openapi_contract` and `sim_openapi_*` both sides against
//! Pinterest's OpenAPI spec; `sim_*` the simulator itself.
mod support;

mod board_sync_caps;
mod cli;
mod client_vs_sim;
mod connect_vs_sim;
mod crash_kill;
mod custom_server;
mod demo_workspace;
mod exactly_once;
mod fail_closed;
mod import;
mod openapi_contract;
mod scheduler_floor;
mod scheduler_reconcile;
mod scheduler_vs_sim;
mod sim_api;
mod sim_faults;
mod sim_guard;
mod sim_limits;
mod sim_media;
mod sim_oauth;
mod sim_openapi_boards;
mod sim_openapi_checks;
mod sim_openapi_errors;
mod sim_openapi_oauth;
mod sim_openapi_pins;
mod sim_quirks;
mod sim_validation;
mod soak;
