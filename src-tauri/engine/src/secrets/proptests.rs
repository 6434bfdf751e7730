//! The secrets file and the tokens JSON under arbitrary input (issue 16 item 10): any bytes in
//! the file open as exactly the JSON object they hold or give a clear error (never a panic,
//! never a vault that reads as empty and would be written over the user's tokens), and any
//! JSON stored under an account's or an app's key reads as tokens or as `invalid_input`.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::token_store::{TokenSet, TokenStore};
use super::{FileVault, MemoryVault, SecretVault, VaultTokens};
use crate::error::ErrorCode;
use crate::fuzz::{damage, edits, json_value, near};
use crate::pinterest::Secret;
use crate::AccountId;

const VALID_FILE: &str = r#"{
  "1": {"access": "pina_SECRET", "refresh": "pinr_SECRET", "expires_at": "2026-11-23T10:00:00Z", "client_id": "1484"},
  "app:1484": {"client_secret": "shh_SECRET"}
}"#;

/// Opens `bytes` as a secrets file and checks the one rule: the vault holds exactly the JSON
/// object the bytes are, or the open fails with a code and a message that quotes nothing.
fn check_file(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secrets.json");
    std::fs::write(&path, bytes).unwrap();
    let expected = std::str::from_utf8(bytes)
        .ok()
        .and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok());
    match (FileVault::open(&path), expected) {
        (Ok(vault), Some(map)) => {
            let mut keys: Vec<_> = map.keys().cloned().collect();
            keys.sort();
            let mut got = vault.keys();
            got.sort();
            assert_eq!(got, keys);
            for (k, v) in &map {
                assert_eq!(vault.get(k).unwrap().as_ref(), Some(v));
            }
            // Whatever the values are, reading tokens from them never panics.
            let tokens = VaultTokens::new(Arc::new(vault));
            let _ = tokens.read_tokens(AccountId(1));
            let _ = tokens.read_app_credentials(AccountId(1));
        }
        (Ok(vault), None) => panic!(
            "{} keys read from a file that is not an object",
            vault.keys().len()
        ),
        (Err(e), Some(_)) => panic!("a JSON object was refused: {}", e.message),
        (Err(e), None) => {
            assert!(
                matches!(e.code, ErrorCode::InvalidInput | ErrorCode::Storage),
                "{e:?}"
            );
            assert!(!e.message.contains("SECRET"), "{}", e.message);
        }
    }
}

/// Puts `value` under account 1's key and under its app's key, then reads and writes through
/// `VaultTokens`: each answer is tokens or `invalid_input`.
fn check_entry(value: &Value) {
    let vault = Arc::new(MemoryVault::default());
    vault.set("1", value).unwrap();
    vault.set("app:1484", value).unwrap();
    let tokens = VaultTokens::new(vault.clone());
    let read = tokens.read_tokens(AccountId(1));
    if let Err(e) = &read {
        assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    }
    if let Err(e) = tokens.read_app_credentials(AccountId(1)) {
        assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    }
    if let Err(e) = tokens.app("1484") {
        assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    }
    let fresh = TokenSet {
        access: Secret::new("pina_new"),
        refresh: None,
        expires_at: None,
    };
    match tokens.store_tokens(AccountId(1), fresh) {
        // A write over an entry it could read keeps the entry's app and stores the new token.
        Ok(()) => {
            assert!(read.is_ok());
            let again = tokens.read_tokens(AccountId(1)).unwrap().unwrap();
            assert_eq!(again.access.expose(), "pina_new");
        }
        // An entry it cannot read is never written over (its refresh token may be the only
        // copy): the error says so and the value stays as it was.
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidInput);
            assert_eq!(vault.get("1").unwrap().as_ref(), Some(value));
        }
    }
}

#[test]
fn an_empty_or_blank_file_is_an_error_not_an_empty_vault() {
    for bytes in [&b""[..], b"  \n", b"\xef\xbb\xbf{}", b"null", b"\xff\xfe{}"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        std::fs::write(&path, bytes).unwrap();
        let err = FileVault::open(&path).err().expect("refused");
        assert!(
            matches!(err.code, ErrorCode::InvalidInput | ErrorCode::Storage),
            "{err:?}"
        );
    }
    check_file(VALID_FILE.as_bytes());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_bytes_in_the_secrets_file_open_as_they_are_or_fail(
        bytes in proptest::collection::vec(any::<u8>(), 0..200)
    ) {
        check_file(&bytes);
    }

    #[test]
    fn a_damaged_secrets_file_opens_as_it_is_or_fails(edits in edits()) {
        check_file(&damage(VALID_FILE.as_bytes(), &edits));
    }

    #[test]
    fn any_json_under_a_tokens_key_reads_or_is_invalid_input(value in json_value()) {
        check_entry(&value);
    }

    #[test]
    fn a_near_valid_tokens_entry_reads_or_is_invalid_input(
        value in near(json!({"access": "pina_a", "refresh": "pinr_b",
                             "expires_at": "2026-11-23T10:00:00Z", "client_id": "1484",
                             "client_secret": "shh"}))
    ) {
        check_entry(&value);
    }
}
