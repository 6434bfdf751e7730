//! Which limits apply: Pinterest's documented presets for trial and standard access, and custom
//! lists. A limit is scoped to one account (per user per app) or to the whole app (shared by all
//! accounts), and applies to one category or to every request.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{EngineError, ErrorCode};
use crate::pinterest::types::Category;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LimitScope {
    /// Per user (account) per app.
    User,
    /// Per app: shared by every account connected through the same Pinterest app.
    App,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct LimitSpec {
    pub scope: LimitScope,
    /// `None` = every request (the universal limit).
    pub category: Option<Category>,
    pub limit: u32,
    #[ts(type = "number")]
    pub window_secs: u64,
}

impl LimitSpec {
    pub fn applies_to(&self, category: Category) -> bool {
        self.category.is_none_or(|c| c == category)
    }
    pub fn window(&self) -> Duration {
        Duration::from_secs(self.window_secs)
    }
    pub fn window_delta(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::seconds(i64::try_from(self.window_secs).unwrap_or(i64::MAX / 1000))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Preset {
    Trial,
    Standard,
}

const DAY: u64 = 86_400;

impl Preset {
    /// Pinterest's documented limits: trial apps 1,000 requests a day for everything, org_write
    /// 300 a day, org_read 1,000 a day (per app); standard access 100 requests a second per user,
    /// org_write 100 a minute and org_read 1,000 a minute per user.
    pub fn limits(self) -> Vec<LimitSpec> {
        let spec = |scope, category, limit, window_secs| LimitSpec {
            scope,
            category,
            limit,
            window_secs,
        };
        match self {
            Preset::Trial => vec![
                spec(LimitScope::App, None, 1_000, DAY),
                spec(LimitScope::App, Some(Category::OrgWrite), 300, DAY),
                spec(LimitScope::App, Some(Category::OrgRead), 1_000, DAY),
            ],
            Preset::Standard => vec![
                spec(LimitScope::User, None, 100, 1),
                spec(LimitScope::User, Some(Category::OrgWrite), 100, 60),
                spec(LimitScope::User, Some(Category::OrgRead), 1_000, 60),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_list_out_of_range_is_refused() {
        let one = |limit, window_secs| LimitSpec {
            scope: LimitScope::User,
            category: Some(Category::OrgWrite),
            limit,
            window_secs,
        };
        let custom = |v: Vec<LimitSpec>| AccountLimits {
            preset: None,
            custom: Some(v),
        };
        assert!(custom(vec![one(10, 60)]).validate().is_ok());
        assert!(AccountLimits::preset(Preset::Trial).validate().is_ok());
        for bad in [
            vec![],
            vec![one(0, 60)],
            vec![one(10, 0)],
            vec![one(10, 86_401)],
        ] {
            let err = custom(bad.clone()).validate().unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn presets_follow_the_documentation() {
        let standard = Preset::Standard.limits();
        let write: Vec<_> = standard
            .iter()
            .filter(|l| l.applies_to(Category::OrgWrite))
            .collect();
        assert_eq!(write.len(), 2);
        assert!(write.iter().any(|l| l.limit == 100 && l.window_secs == 60));
        let trial = Preset::Trial.limits();
        assert!(trial.iter().all(|l| l.scope == LimitScope::App));
        assert!(trial
            .iter()
            .any(|l| l.limit == 300 && l.category == Some(Category::OrgWrite)));
    }
}

/// An account's configured limits, as stored: a preset, or a custom list that replaces it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[ts(export)]
pub struct AccountLimits {
    #[serde(default)]
    pub preset: Option<Preset>,
    #[serde(default)]
    pub custom: Option<Vec<LimitSpec>>,
}

impl AccountLimits {
    pub fn preset(preset: Preset) -> Self {
        AccountLimits {
            preset: Some(preset),
            custom: None,
        }
    }

    /// Refuses a list PinPace could not pace by (or that would be no limit at all): a custom
    /// list needs 1 to 12 entries, each from 1 to 100,000 requests per 1 second to 1 day.
    pub fn validate(&self) -> Result<(), EngineError> {
        let bad = |m: String| Err(EngineError::new(ErrorCode::InvalidInput, m));
        let Some(custom) = &self.custom else {
            return Ok(());
        };
        if custom.is_empty() || custom.len() > 12 {
            return bad("a custom list needs from 1 to 12 limits".into());
        }
        for (i, l) in custom.iter().enumerate() {
            if !(1..=100_000).contains(&l.limit) {
                return bad(format!(
                    "limit {}: the number of requests must be from 1 to 100,000",
                    i + 1
                ));
            }
            if !(1..=86_400).contains(&l.window_secs) {
                return bad(format!(
                    "limit {}: the window must be from 1 second to 1 day (86,400 s)",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    /// The limits in force: the custom list if any, else the preset (standard by default).
    pub fn specs(&self) -> Vec<LimitSpec> {
        match &self.custom {
            Some(custom) => custom.clone(),
            None => self.preset.unwrap_or(Preset::Standard).limits(),
        }
    }
}
