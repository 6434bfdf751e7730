use super::*;
use crate::pacing::Preset;

fn t(s: i64) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::seconds(s)
}

fn job(id: i64, account: i64, due: i64) -> Job {
    Job {
        id,
        pin_id: id,
        account_id: Some(account),
        board_id: Some("1".into()),
        section_id: None,
        state: JobState::Scheduled,
        due_at: Some(t(due)),
        attempt: 0,
        retry_delay_ms: 0,
        next_attempt_at: None,
        sent_at: None,
        pinterest_pin_id: None,
        pinterest_url: None,
        error_code: None,
        error_message: None,
        needs_reconcile: false,
    }
}

fn standard_pacer(accounts: &[i64]) -> Pacer {
    let mut p = Pacer::new(&[]);
    for &a in accounts {
        p.set_account_limits(a, &Preset::Standard.limits());
    }
    p
}

#[test]
fn pins_under_the_limit_go_on_time() {
    let jobs: Vec<Job> = (0..50).map(|i| job(i, 1, 100 + i)).collect();
    let f = forecast(&jobs, &standard_pacer(&[1]), t(0));
    assert_eq!(f.entries.len(), 50);
    assert!(f.entries.iter().all(|e| e.late_seconds == 0));
    assert!(f.warnings.is_empty());
}

#[test]
fn a_burst_over_org_write_is_flagged_with_the_limit_and_the_delay() {
    // 250 pins all due at t=60 on one account: 100 go at 60, 100 at 120, 50 at 180.
    let jobs: Vec<Job> = (0..250).map(|i| job(i, 1, 60)).collect();
    let f = forecast(&jobs, &standard_pacer(&[1]), t(0));
    let last = f.entries.iter().map(|e| e.expected_at).max().unwrap();
    assert!(last >= t(180) && last < t(182), "{last}");
    let late = f.entries.iter().filter(|e| e.late_seconds > 60).count();
    assert_eq!(late, 50);
    assert_eq!(f.warnings.len(), 1, "{:?}", f.warnings);
    assert!(
        f.warnings[0].contains("50 pins will be up to 2 min late: org_write 100/60s (user) limit"),
        "{:?}",
        f.warnings
    );
}

#[test]
fn a_shared_daily_quota_is_split_and_reported() {
    let mut p = Pacer::new(&Preset::Trial.limits());
    p.set_account_limits(1, &[]);
    p.set_account_limits(2, &[]);
    let mut jobs = vec![];
    for i in 0..200 {
        jobs.push(job(i, 1, 10));
        jobs.push(job(1000 + i, 2, 10));
    }
    let f = forecast(&jobs, &p, t(0));
    let day = f
        .entries
        .iter()
        .filter(|e| e.expected_at < t(86_400))
        .collect::<Vec<_>>();
    assert_eq!(day.len(), 300, "org_write 300/day for the whole app");
    let first = day.iter().filter(|e| e.account_id == 1).count();
    assert!((140..=160).contains(&first), "fair split, got {first}");
    assert!(
        f.warnings.iter().any(|w| w.contains("(app)")),
        "{:?}",
        f.warnings
    );
}

#[test]
fn the_rebuilt_pacer_holds_trial_limits_and_the_servers_floor() {
    use crate::pacing::AccountLimits;
    use crate::pinterest::Environment;
    use crate::store::Store;
    let mut store = Store::open_in_memory().unwrap();
    let a = store
        .insert_account("Trial", &Environment::Sandbox, t(0))
        .unwrap();
    store
        .set_account_limits(a, &AccountLimits::preset(Preset::Trial))
        .unwrap();
    store.set_account_hold(a, Some(t(500))).unwrap();
    let mut pacer = crate::scheduler::rebuild_pacer(&store, &[], t(0));
    let usage = pacer.usage(a, t(0));
    assert!(
        usage
            .iter()
            .any(|u| u.limit == 300 && u.window_secs == 86_400),
        "{usage:?}"
    );
    assert_eq!(pacer.next_slot(a, Category::OrgWrite, t(0)), t(500));
}
