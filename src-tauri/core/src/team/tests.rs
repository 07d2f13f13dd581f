use super::*;
use crate::store::Store;

#[test]
fn the_permission_table() {
    use Permission::*;
    // Written out in full: a change to who may do what changes this table on purpose.
    let operator = [ReadInbox, Answer];
    for p in Permission::ALL {
        assert!(allows(Role::Owner, false, p), "the owner may {p:?}");
        assert_eq!(
            allows(Role::Operator, false, p),
            operator.contains(&p),
            "operator {p:?}"
        );
        assert_eq!(
            allows(Role::Operator, true, p),
            operator.contains(&p) || p == Moderate,
            "operator with the moderation grant {p:?}"
        );
    }
}

#[test]
fn a_caller_lists_what_it_may_do_and_is_refused_the_rest() {
    let ana = Member {
        id: 7,
        name: "Ana".into(),
        role: Role::Operator,
        can_moderate: false,
        has_pin: false,
    };
    let caller = Caller::from(&ana);
    assert_eq!(
        caller.permissions,
        vec![Permission::ReadInbox, Permission::Answer]
    );
    assert!(caller.require(Permission::Answer).is_ok());
    let refused = caller.require(Permission::EditStock).unwrap_err();
    assert_eq!(refused.code(), crate::ErrorCode::Forbidden);
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("t.db")).expect("store");
    (dir, store)
}

#[test]
fn the_store_starts_with_its_owner() {
    let (_dir, store) = store();
    let conn = store.conn().expect("conn");
    let owner = members::owner(&conn).expect("owner");
    assert_eq!(owner.role, Role::Owner);
    assert_eq!(members::list(&conn).expect("list"), vec![owner]);
}

#[test]
fn a_pin_is_hashed_checked_and_wrong_ones_slow_down() {
    let (_dir, store) = store();
    let conn = store.conn().expect("conn");
    let now = Utc::now();
    let id = members::insert(&conn, "Ana", Role::Operator, false, now).expect("insert");
    assert!(hash_pin("12a4").is_err(), "digits only");
    assert!(hash_pin("123").is_err(), "four at least");
    let hash = hash_pin("2468").expect("hash");
    assert!(hash.starts_with("$argon2") && !hash.contains("2468"));
    assert_ne!(hash, hash_pin("2468").expect("hash"), "salted");
    members::set_pin_hash(&conn, id, Some(&hash)).expect("set");
    let get = || members::get(&conn, id).expect("get").expect("some");
    assert!(get().member.has_pin);
    assert!(check_pin(&conn, &get(), Some("2468"), now).is_ok());
    assert!(!format!("{:?}", get().member).contains("argon2"));

    // Three wrong PINs are free; the fourth starts a wait, which doubles.
    for n in 1..=3 {
        let e = check_pin(&conn, &get(), Some("0000"), now).unwrap_err();
        let expected = if n < 3 { 0 } else { FIRST_WAIT_SECONDS };
        assert!(
            matches!(e, Error::WrongPin { retry_after_seconds } if retry_after_seconds == expected),
            "{n}: {e:?}"
        );
    }
    // While waiting even the right PIN is not checked.
    let locked = check_pin(&conn, &get(), Some("2468"), now).unwrap_err();
    assert_eq!(locked.code(), crate::ErrorCode::PinLocked);
    let later = now + Duration::seconds(FIRST_WAIT_SECONDS + 1);
    let e = check_pin(&conn, &get(), None, later).unwrap_err();
    assert!(
        matches!(e, Error::WrongPin { retry_after_seconds } if retry_after_seconds == 2 * FIRST_WAIT_SECONDS)
    );
    let after = later + Duration::seconds(2 * FIRST_WAIT_SECONDS + 1);
    assert!(check_pin(&conn, &get(), Some("2468"), after).is_ok());
    assert_eq!(
        get().failed_attempts,
        0,
        "a right PIN starts the count again"
    );
}

/// Writes the permission table as cases the UI's mock backend is checked against (run with the
/// other binding exports; `cargo xtask test` fails when the committed file is stale).
#[test]
fn export_bindings_permission_golden() {
    let mut rows = Vec::new();
    for role in [Role::Owner, Role::Operator] {
        for can_moderate in [false, true] {
            for permission in Permission::ALL {
                rows.push(serde_json::json!({
                    "role": role,
                    "can_moderate": can_moderate,
                    "permission": permission,
                    "allowed": allows(role, can_moderate, permission),
                }));
            }
        }
    }
    let dir = std::path::PathBuf::from(
        std::env::var("TS_RS_EXPORT_DIR")
            .unwrap_or_else(|_| "../../ui/src/lib/ipc/bindings".into()),
    )
    .join("golden");
    std::fs::create_dir_all(&dir).expect("golden dir");
    let json = serde_json::to_string_pretty(&rows).expect("json") + "\n";
    std::fs::write(dir.join("permissions.json"), json).expect("write golden");
}
