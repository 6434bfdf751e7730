//! Placeholder: written in the rate-limit parsers change.
