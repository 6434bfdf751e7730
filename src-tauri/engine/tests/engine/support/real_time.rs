//! The tests that run real `pinpace-cli` processes on the system clock for many seconds and
//! judge timing (the soaks, the SIGKILL test) take this lock, so that in the one test binary they
//! never run beside each other: two of them at once on a 2-core machine would starve each
//! other's processes and turn a slow machine into a false "late" or "lost". Short tests still run
//! beside them, as they did when each file was its own binary.
use tokio::sync::{Mutex, MutexGuard};

/// Holds the machine for one long real-time test until the guard drops. An async lock (each test
/// has its own runtime, and the guard is held across awaits); a test that panicked while holding
/// it does not poison it for the next one.
pub async fn exclusive() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::const_new(());
    LOCK.lock().await
}
