use super::*;

#[test]
fn fresh_database_is_migrated_to_latest() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(&dir.path().join("nested")).unwrap();
    assert_eq!(store.schema_version(), latest_schema_version());
    assert!(store.path().ends_with(crate::DATABASE_FILE));
    assert!(store.path().exists());
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn reopening_keeps_data_and_version() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open_in_dir(dir.path()).unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO settings(key, value) VALUES ('tz', '\"UTC\"')",
                [],
            )
            .unwrap();
    }
    let store = Store::open_in_dir(dir.path()).unwrap();
    let v: String = store
        .conn()
        .query_row("SELECT value FROM settings WHERE key='tz'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(v, "\"UTC\"");
}

#[test]
fn newer_database_is_refused_with_a_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", latest_schema_version() + 5)
            .unwrap();
    }
    let err = Store::open(&path).err().expect("must refuse");
    assert_eq!(err.code, ErrorCode::DatabaseTooNew);
}

#[test]
fn garbage_file_is_reported_as_corrupt_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    std::fs::write(&path, vec![0x5au8; 8192]).unwrap();
    let err = Store::open(&path).err().expect("must refuse");
    assert_eq!(err.code, ErrorCode::DatabaseCorrupt);
}

#[test]
fn unwritable_data_dir_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = Store::open_in_dir(&file.join("sub"))
        .err()
        .expect("must fail");
    assert_eq!(err.code, ErrorCode::DataDirUnavailable);
}

#[test]
fn in_memory_store_for_tests() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.schema_version(), latest_schema_version());
}

#[test]
fn a_second_instance_on_the_same_data_is_refused_until_the_first_closes() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open_in_dir(dir.path()).unwrap();
    let err = Store::open_in_dir(dir.path())
        .err()
        .expect("second open must fail");
    assert_eq!(err.code, ErrorCode::DatabaseLocked);
    drop(first);
    Store::open_in_dir(dir.path()).expect("free again");
}

#[test]
fn a_release_that_fails_rolls_back_and_leaves_no_transaction_open() {
    let store = Store::open_in_memory().unwrap();
    store.savepoint("t").unwrap();
    // A job for a pin that does not exist, its foreign key checked only at the release.
    store
        .conn()
        .execute_batch(
            "PRAGMA defer_foreign_keys = ON; \
             INSERT INTO jobs (pin_id, state, created_at, updated_at) \
             VALUES (999, 'draft', 'x', 'x')",
        )
        .unwrap();
    assert!(store.release("t").is_err());
    assert!(
        !store.in_transaction(),
        "no write may be left for a later in-flight mark to sit in, uncommitted"
    );
    let jobs: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM jobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(jobs, 0);
}
