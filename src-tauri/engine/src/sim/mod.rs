//! Placeholder: the Pinterest simulator lands in its own change.
