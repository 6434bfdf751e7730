//! The queue as people see and steer it: a joined, filtered list of jobs with their pin, account
//! and board names (`Store::queue_items`, in `store::queue_view`), the actions a user takes
//! on jobs (`actions`: cancel, retry with a fresh budget, reschedule), and the edit of a pin before it is sent again (`edit`). Every
//! action goes through `Store::transition`, so it is checked against the job's current state and
//! lands in the audit trail like the scheduler's own moves.

pub mod actions;
pub mod edit;
pub mod slots;

pub use crate::store::queue_view::{QueueFilter, QueueItem};
pub use actions::{cancel_job, hold_job, reschedule_job, retry_job};
pub use edit::{edit_and_requeue, PinEdit};
pub use slots::{next_free_slot, set_slots, slots, SlotPlan};

#[cfg(test)]
mod tests;
