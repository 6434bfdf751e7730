use super::*;
use crate::pacing::{LimitSpec, Preset};
use crate::pinterest::ratelimit::RateLimitSignals;
use crate::AccountId;
use crate::PinId;

fn t(s: i64) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::seconds(s)
}

fn job(id: i64, account: AccountId, due: i64) -> Job {
    Job {
        id: JobId(id),
        pin_id: PinId(id),
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
        last_sent_at: None,
    }
}

fn kitchen() -> HashMap<AccountId, String> {
    HashMap::from([(AccountId(1), "Kitchen Studio".to_string())])
}

fn standard_pacer(accounts: &[AccountId]) -> Pacer {
    let mut p = Pacer::new(&[]);
    for &a in accounts {
        p.set_account_limits(a, &Preset::Standard.limits());
    }
    p
}

#[test]
fn pins_under_the_limit_go_on_time() {
    let jobs: Vec<Job> = (0..50).map(|i| job(i, AccountId(1), 100 + i)).collect();
    let f = forecast(&jobs, &standard_pacer(&[AccountId(1)]), &kitchen(), t(0));
    assert_eq!(f.entries.len(), 50);
    assert!(f.entries.iter().all(|e| e.late_seconds == 0));
    assert!(f.warnings.is_empty());
}

#[test]
fn a_burst_over_org_write_is_flagged_with_the_limit_and_the_delay() {
    // 250 pins all due at t=60 on one account: 100 go at 60, 100 at 120, 50 at 180.
    let jobs: Vec<Job> = (0..250).map(|i| job(i, AccountId(1), 60)).collect();
    let f = forecast(&jobs, &standard_pacer(&[AccountId(1)]), &kitchen(), t(0));
    let last = f.entries.iter().map(|e| e.expected_at).max().unwrap();
    assert!(last >= t(180) && last < t(182), "{last}");
    let late = f.entries.iter().filter(|e| e.late_seconds > 60).count();
    assert_eq!(late, 50);
    assert_eq!(
        f.warnings,
        vec![
            "Kitchen Studio: 50 pins will be up to 2 min late (the limit is 100 writes a \
             minute for this account)"
        ]
    );
    let late = f.entries.iter().find(|e| e.late_seconds > 60).unwrap();
    assert_eq!(
        late.held_by.as_deref(),
        Some("org_write 100/60s (user) limit")
    );
}

#[test]
fn a_warning_names_the_account_and_says_what_pinterest_allows() {
    // Pinterest allows this account 6 writes a minute; 18 pins due at once: 6 go on time, 6 a
    // minute late, 6 two minutes late.
    let mut p = Pacer::new(&[]);
    let six = LimitSpec {
        scope: LimitScope::User,
        category: Some(Category::OrgWrite),
        limit: 6,
        window_secs: 60,
    };
    p.set_account_limits(AccountId(1), std::slice::from_ref(&six));
    p.set_account_limits(AccountId(2), &[six]);
    let mut jobs: Vec<Job> = (0..18).map(|i| job(i, AccountId(1), 60)).collect();
    jobs.extend((0..18).map(|i| job(100 + i, AccountId(2), 60)));
    let f = forecast(&jobs, &p, &kitchen(), t(0));
    assert_eq!(
        f.warnings,
        vec![
            "Kitchen Studio: 6 pins will be up to 2 min late (the limit is 6 writes a minute \
             for this account)",
            // No name in the store: the account's number.
            "account 2: 6 pins will be up to 2 min late (the limit is 6 writes a minute for \
             this account)",
        ]
    );
}

#[test]
fn pins_held_by_the_servers_retry_after_say_so() {
    let mut p = standard_pacer(&[AccountId(1)]);
    let wait = RateLimitSignals {
        retry_after_at: Some(t(600)),
        ..Default::default()
    };
    p.observe_429(AccountId(1), Category::OrgWrite, &wait, t(0));
    let jobs: Vec<Job> = (0..2).map(|i| job(i, AccountId(1), 10)).collect();
    let f = forecast(&jobs, &p, &kitchen(), t(0));
    assert!(f.entries.iter().all(|e| e.expected_at == t(600)));
    assert_eq!(f.entries[0].held_by.as_deref(), Some("rate_limited pause"));
    assert_eq!(
        f.warnings,
        vec![
            "Kitchen Studio: 2 pins will be up to 10 min late (Pinterest asked PinPace to wait \
             before sending more)"
        ]
    );
}

#[test]
fn an_overdue_pin_is_called_overdue() {
    let mut late = job(1, AccountId(1), -600);
    late.state = JobState::Due;
    let f = forecast(&[late], &standard_pacer(&[AccountId(1)]), &kitchen(), t(0));
    assert_eq!(f.entries[0].held_by, None);
    assert_eq!(
        f.warnings,
        vec!["Kitchen Studio: 1 pin will be up to 10 min late (it is already overdue)"]
    );
}

#[test]
fn a_shared_daily_quota_is_split_and_reported() {
    let mut p = Pacer::new(&Preset::Trial.limits());
    p.set_account_limits(AccountId(1), &[]);
    p.set_account_limits(AccountId(2), &[]);
    let mut jobs = vec![];
    for i in 0..200 {
        jobs.push(job(i, AccountId(1), 10));
        jobs.push(job(1000 + i, AccountId(2), 10));
    }
    let f = forecast(&jobs, &p, &kitchen(), t(0));
    let day = f
        .entries
        .iter()
        .filter(|e| e.expected_at < t(86_400))
        .collect::<Vec<_>>();
    assert_eq!(day.len(), 300, "org_write 300/day for the whole app");
    let first = day.iter().filter(|e| e.account_id == AccountId(1)).count();
    assert!((140..=160).contains(&first), "fair split, got {first}");
    let shared = "the limit is 300 writes a day, shared by all the accounts of your \
                  Pinterest app";
    for who in ["Kitchen Studio: ", "account 2: "] {
        assert!(
            f.warnings.iter().any(|w| w.starts_with(who)
                && w.contains("pins will be up to")
                && w.contains(shared)),
            "{who}{:?}",
            f.warnings
        );
    }
    // The shared quota runs out once, on the send of whichever account takes its last slot.
    let used_up: Vec<_> = f
        .warnings
        .iter()
        .filter(|w| w.contains(": the queue uses up the allowance at 1970-01-01 "))
        .collect();
    assert_eq!(used_up.len(), 1, "{:?}", f.warnings);
    assert!(used_up[0].contains(shared), "{used_up:?}");
    assert!(f
        .quota_exhausted
        .iter()
        .all(|q| q.limit == "org_write 300/86400s (app)"));
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
    let mut pacer = crate::scheduler::rebuild_pacer(&store, &[], t(0)).unwrap();
    let usage = pacer.usage(a, t(0));
    assert!(
        usage
            .iter()
            .any(|u| u.limit == 300 && u.window_secs == 86_400),
        "{usage:?}"
    );
    assert_eq!(pacer.next_slot(a, Category::OrgWrite, t(0)), t(500));
}

#[test]
fn the_warning_takes_the_accounts_name_from_the_store() {
    use crate::pacing::AccountLimits;
    use crate::pinterest::Environment;
    use crate::store::Store;
    let mut store = Store::open_in_memory().unwrap();
    let a = store
        .insert_account("Kitchen Studio", &Environment::Sandbox, t(0))
        .unwrap();
    let custom = AccountLimits {
        preset: None,
        custom: Some(vec![LimitSpec {
            scope: LimitScope::User,
            category: Some(Category::OrgWrite),
            limit: 6,
            window_secs: 60,
        }]),
    };
    store.set_account_limits(a, &custom).unwrap();
    let pacer = crate::scheduler::rebuild_pacer(&store, &[], t(0)).unwrap();
    let names = store.account_names().unwrap();
    assert_eq!(names.get(&a).map(String::as_str), Some("Kitchen Studio"));
    let jobs: Vec<Job> = (0..13).map(|i| job(i, a, 60)).collect();
    let f = forecast(&jobs, &pacer, &names, t(0));
    assert_eq!(
        f.warnings,
        vec![
            "Kitchen Studio: 1 pin will be up to 2 min late (the limit is 6 writes a minute \
             for this account)"
        ]
    );
}
