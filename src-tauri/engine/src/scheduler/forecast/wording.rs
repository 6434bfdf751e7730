//! The forecast's sentences, for a person: the account by its name, a limit as what it allows
//! ("6 writes a minute for this account": Pinterest's tier, the user's own list, or what the
//! server showed, so the sentence does not claim which), a pause by what it is waiting for.

use crate::AccountId;
use std::collections::HashMap;

use crate::pacing::{LimitScope, PauseReason, WindowUsage};
use crate::pinterest::types::Category;

/// The account's name from the store, or "account N" when it has none.
pub(super) fn account_label(names: &HashMap<AccountId, String>, id: AccountId) -> String {
    names
        .get(&id)
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map_or_else(|| format!("account {id}"), str::to_string)
}

/// A limit in words: "the limit is 6 writes a minute for this account", "the limit is 300
/// writes a day, shared by all the accounts of your Pinterest app".
pub(super) fn allowance(u: &WindowUsage) -> String {
    let (one, many) = match u.category {
        Some(Category::OrgWrite) => ("write", "writes"),
        Some(Category::OrgRead) => ("read", "reads"),
        None => ("request", "requests"),
    };
    let what = if u.limit == 1 { one } else { many };
    let whom = match u.scope {
        LimitScope::User => " for this account",
        LimitScope::App => ", shared by all the accounts of your Pinterest app",
    };
    format!(
        "the limit is {} {what} {}{whom}",
        thousands(u.limit),
        per(u.window_secs)
    )
}

/// What a pause of the lane is waiting for.
pub(super) fn pause_reason(reason: PauseReason) -> &'static str {
    match reason {
        PauseReason::RateLimited => "Pinterest asked PinPace to wait before sending more",
        PauseReason::SpamBlock => "Pinterest has blocked the account for spam-like activity",
        PauseReason::Offline => "PinPace cannot reach Pinterest",
        PauseReason::NeedsReconnect => "the account must be reconnected",
        PauseReason::User => "the account is paused",
        PauseReason::LocalError => "PinPace could not prepare the next pin",
        PauseReason::SecretsLocked => "the keychain holding the account's tokens is locked",
    }
}

/// Why pins are late when nothing in the replay held them: they were due before now.
pub(super) fn overdue(n: usize) -> &'static str {
    if n == 1 {
        "it is already overdue"
    } else {
        "they are already overdue"
    }
}

/// A window as a person says it: "a minute", "every 10 minutes", "a day".
fn per(secs: u64) -> String {
    const UNITS: [(u64, &str, &str); 4] = [
        (86_400, "a day", "days"),
        (3_600, "an hour", "hours"),
        (60, "a minute", "minutes"),
        (1, "a second", "seconds"),
    ];
    for (size, one, many) in UNITS {
        if secs == size {
            return one.to_string();
        }
        if secs > size && secs.is_multiple_of(size) {
            return format!("every {} {many}", thousands(secs / size));
        }
    }
    format!("every {secs} seconds")
}

/// 1000 -> "1,000".
fn thousands(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A length of time, rounded up to the unit shown: "45 s", "2 min", "1.5 h", "3.0 days".
pub(super) fn human(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", (s + 59) / 60),
        s if s < 86_400 => format!("{:.1} h", s as f64 / 3600.0),
        s => format!("{:.1} days", s as f64 / 86_400.0),
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn usage(scope: LimitScope, category: Option<Category>, limit: u32, secs: u64) -> WindowUsage {
        WindowUsage {
            scope,
            category,
            limit,
            window_secs: secs,
            used: 0,
            next_free: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn limits_read_as_what_pinterest_allows() {
        use Category::*;
        use LimitScope::*;
        let cases = [
            (
                usage(User, Some(OrgWrite), 6, 60),
                "the limit is 6 writes a minute for this account",
            ),
            (
                usage(User, Some(OrgWrite), 1, 600),
                "the limit is 1 write every 10 minutes for this account",
            ),
            (
                usage(User, None, 100, 1),
                "the limit is 100 requests a second for this account",
            ),
            (
                usage(App, Some(OrgWrite), 300, 86_400),
                "the limit is 300 writes a day, shared by all the accounts of your Pinterest app",
            ),
            (
                usage(App, Some(OrgRead), 1_000, 7_200),
                "the limit is 1,000 reads every 2 hours, shared by all the accounts of your \
                 Pinterest app",
            ),
            (
                usage(User, Some(OrgWrite), 5, 90),
                "the limit is 5 writes every 90 seconds for this account",
            ),
        ];
        for (u, expected) in cases {
            assert_eq!(allowance(&u), expected);
        }
    }

    #[test]
    fn an_account_is_named_and_an_unknown_one_numbered() {
        let names = HashMap::from([
            (AccountId(1), "Kitchen Studio".to_string()),
            (AccountId(2), "  ".to_string()),
        ]);
        assert_eq!(account_label(&names, AccountId(1)), "Kitchen Studio");
        assert_eq!(account_label(&names, AccountId(2)), "account 2");
        assert_eq!(account_label(&names, AccountId(3)), "account 3");
    }

    #[test]
    fn large_numbers_are_grouped() {
        assert_eq!(thousands(7u32), "7");
        assert_eq!(thousands(1_000u32), "1,000");
        assert_eq!(thousands(1_234_567u64), "1,234,567");
    }
}
